# SoKD-KD, ResNet20 -> ResNet8 on the embedded digits dataset (the demo's run): KD as it is, plus
# the SoKD terms at the stage-2 output (layer2, 32x16x16, 3-block connector); the reference
# search during the first 5 of 30 epochs.
_base_ = ['../kd/kd_r20_r8_digits.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(num_classes=10, search_epochs=5)
