# FitNet, vgg13 -> vgg8 on CIFAR-100: hint backbone.block4 (512, 4, 4) <- backbone.block4 (512, 4, 4).
_base_ = ['./fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(
    architecture=base_model('vgg8'),
    teacher=base_model('vgg13'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.block4')),
        teacher_recorders=dict(hint=dict(source='backbone.block4')),
        connectors=dict(hint_connector=dict(student_shape=(512, 4, 4), teacher_shape=(512, 4, 4)))))
