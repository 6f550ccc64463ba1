# SoKD on at, ResNet56 -> ResNet20, CIFAR-100: the baseline's losses stay as they are; the SoKD terms are added at layer3 (64x8x8).
# The teacher's feature is refined by a learnable augmentation (searched during the first 20
# epochs, second order) and the transfer is confined to the DAM's areas. All SoKD fields:
# sokd_mm/utils/sokd_config.py.
_base_ = ['../at/at_r56_r20_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(num_classes=100)
