# SoKD-KD with our live DAM, otherwise as sokd_kd_r20_r8_digits.py.
_base_ = ['../kd/kd_r20_r8_digits.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(num_classes=10, search_epochs=5,
                                                        dam='live')
