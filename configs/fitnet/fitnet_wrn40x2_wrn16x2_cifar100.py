# FitNet, wrn_40_2 -> wrn_16_2 on CIFAR-100: hint backbone.relu (128, 8, 8) <- backbone.relu (128, 8, 8).
_base_ = ['./fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(
    architecture=base_model('wrn_16_2'),
    teacher=base_model('wrn_40_2'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.relu')),
        teacher_recorders=dict(hint=dict(source='backbone.relu')),
        connectors=dict(hint_connector=dict(student_shape=(128, 8, 8), teacher_shape=(128, 8, 8)))))
