# FitNet, wrn_40_2 -> wrn_40_1 on CIFAR-100: hint at the stage-2 outputs (RepDistiller hint_layer 2,
# mdistiller FITNET.HINT_LAYER 2 = feats[2]): teacher backbone.block2 (64, 16, 16) <- student
# backbone.block2 (32, 16, 16).
_base_ = ['./fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(
    architecture=base_model('wrn_40_1'),
    teacher=base_model('wrn_40_2'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.block2')),
        teacher_recorders=dict(hint=dict(source='backbone.block2')),
        connectors=dict(hint_connector=dict(student_shape=(32, 16, 16),
                                            teacher_shape=(64, 16, 16)))))
