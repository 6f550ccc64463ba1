# FitNet, ResNet56 -> ResNet20 on CIFAR-100, hint at the last stage (layer3, 64x8x8 both).
# RepDistiller reference (hint at stage 2): 69.21 top-1.
_base_ = [
    '../_base_/distill/fitnet.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet20'),
    teacher=base_model('resnet56'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.layer3')),
        teacher_recorders=dict(hint=dict(source='backbone.layer3')),
        connectors=dict(
            hint_connector=dict(student_shape=(64, 8, 8), teacher_shape=(64, 8, 8)))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
