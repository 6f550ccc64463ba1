# Decoupled KD, resnet110 -> resnet32 on CIFAR-100: beta 2.0 (mdistiller
# configs/cifar100/dkd/res110_res32.yaml), alpha 1, T 4, 20-epoch warm-up.
_base_ = ['./dkd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('resnet32'), teacher=base_model('resnet110'),
             distiller=dict(distill_losses=dict(loss_dkd=dict(beta=2.0))))
