# SoKD on fitnet, ResNet56 -> ResNet20, CIFAR-100: L_DA replaces FitNet's plain hint loss.
# The authors' geometry: hint at the stage-2 outputs (layer2, 32x16x16) through the 3-block
# connector; the teacher's feature is refined by a learnable augmentation (the reference search
# during the first 20 epochs) and the transfer is confined to the reference DAM's areas. All
# SoKD fields (dam='live', search modes, ablations): sokd_mm/utils/sokd_config.py.
_base_ = ['../fitnet/fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(num_classes=100)
