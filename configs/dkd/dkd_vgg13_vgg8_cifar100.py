# Decoupled KD, vgg13 -> vgg8 on CIFAR-100: beta 6.0 (mdistiller
# configs/cifar100/dkd/vgg13_vgg8.yaml), alpha 1, T 4, 20-epoch warm-up.
_base_ = ['./dkd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('vgg8'), teacher=base_model('vgg13'),
             distiller=dict(distill_losses=dict(loss_dkd=dict(beta=6.0))))
