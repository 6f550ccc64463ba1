# FitNet, ResNet56 -> ResNet20 on CIFAR-100, hint at the stage-2 output (layer2, 32x16x16 both;
# RepDistiller hint_layer 2, mdistiller FITNET.HINT_LAYER 2). RepDistiller reference: 69.21 top-1.
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
        student_recorders=dict(hint=dict(source='backbone.layer2')),
        teacher_recorders=dict(hint=dict(source='backbone.layer2')),
        connectors=dict(
            hint_connector=dict(student_shape=(32, 16, 16), teacher_shape=(32, 16, 16)))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
