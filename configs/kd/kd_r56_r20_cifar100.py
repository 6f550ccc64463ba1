# KD, ResNet56 -> ResNet20 on CIFAR-100 (RepDistiller reference: 70.66 top-1).
# The teacher is a local checkpoint: train it with configs/vanilla/resnet56_cifar100.py (or
# configs/soteacher/...) and pass --cfg-options model.teacher_ckpt=<path>.
_base_ = [
    '../_base_/distill/kd.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(architecture=base_model('resnet20'), teacher=base_model('resnet56'))
# Validate student and teacher each epoch (teacher accuracy is logged as teacher.accuracy/*).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
