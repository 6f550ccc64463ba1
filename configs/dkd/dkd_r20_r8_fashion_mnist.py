# DKD, ResNet20 -> ResNet8 on Fashion-MNIST: the recipe of dkd_r56_r20_cifar100.py with this
# data, its 15-epoch schedule and 10 classes.
_base_ = [
    '../_base_/distill/dkd.py', '../_base_/datasets/fashion_mnist_bs64.py',
    '../_base_/schedules/fashion_mnist_15e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet8', num_classes=10),
    teacher=base_model('resnet20', num_classes=10))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
