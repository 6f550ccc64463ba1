# DKD, ResNet20 -> ResNet8 on Fashion-MNIST: the recipe of dkd_r56_r20_cifar100.py (beta 2, the
# ResNet pairs' value) with this data, its 15-epoch schedule and 10 classes; the warm-up is
# compressed with the schedule (20 of 240 epochs -> 1 epoch).
_base_ = [
    '../_base_/distill/dkd.py', '../_base_/datasets/fashion_mnist_bs64.py',
    '../_base_/schedules/fashion_mnist_15e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet8', num_classes=10),
    teacher=base_model('resnet20', num_classes=10),
    distiller=dict(distill_losses=dict(loss_dkd=dict(beta=2.0, warmup_epochs=1))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
