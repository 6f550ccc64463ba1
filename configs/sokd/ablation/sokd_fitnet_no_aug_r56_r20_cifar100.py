# Ablation of SoKD-FitNet, ResNet56 -> ResNet20, CIFAR-100: augmentation off (the teacher's feature
# is passed on unrefined; no search); everything else as
# configs/sokd/sokd_fitnet_r56_r20_cifar100.py.
_base_ = ['../../fitnet/fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(num_classes=100,
                                                        augment=False)
