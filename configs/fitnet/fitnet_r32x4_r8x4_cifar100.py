# FitNet, resnet32x4 -> resnet8x4 on CIFAR-100: hint backbone.layer3 (256, 8, 8) <- backbone.layer3 (256, 8, 8).
_base_ = ['./fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(
    architecture=base_model('resnet8x4'),
    teacher=base_model('resnet32x4'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.layer3')),
        teacher_recorders=dict(hint=dict(source='backbone.layer3')),
        connectors=dict(hint_connector=dict(student_shape=(256, 8, 8), teacher_shape=(256, 8, 8)))))
