# Decoupled KD, ResNet56 -> ResNet20 on CIFAR-100: beta 2 (mdistiller
# configs/cifar100/dkd/res56_res20.yaml), alpha 1, T 4, 20-epoch warm-up.
_base_ = [
    '../_base_/distill/dkd.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(architecture=base_model('resnet20'), teacher=base_model('resnet56'),
             distiller=dict(distill_losses=dict(loss_dkd=dict(beta=2.0))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
