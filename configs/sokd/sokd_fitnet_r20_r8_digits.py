# SoKD-FitNet, ResNet20 -> ResNet8 on the embedded digits dataset (the demo's run): the authors'
# geometry (stage-2 hint, layer2 32x16x16, 3-block connector) and DAM, 10 heatmap classes;
# the reference search during the first 5 of 30 epochs to keep the demo short.
_base_ = ['../fitnet/fitnet_r20_r8_digits.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    num_classes=10, search_epochs=5)
