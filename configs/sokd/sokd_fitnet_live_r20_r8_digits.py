# SoKD-FitNet with our live DAM (LiveDistinctiveAreaModule: a heatmap target, bounded heads,
# mass-normalised L_DA), otherwise as sokd_fitnet_r20_r8_digits.py.
_base_ = ['../fitnet/fitnet_r20_r8_digits.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    num_classes=10, search_epochs=5, dam='live')
