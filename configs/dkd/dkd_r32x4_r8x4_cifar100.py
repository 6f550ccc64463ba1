# Decoupled KD, resnet32x4 -> resnet8x4 on CIFAR-100: beta 8.0 (mdistiller
# configs/cifar100/dkd/res32x4_res8x4.yaml (the default)), alpha 1, T 4, 20-epoch warm-up.
_base_ = ['./dkd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('resnet8x4'), teacher=base_model('resnet32x4'),
             distiller=dict(distill_losses=dict(loss_dkd=dict(beta=8.0))))
