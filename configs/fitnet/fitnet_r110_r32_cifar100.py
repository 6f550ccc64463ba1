# FitNet, resnet110 -> resnet32 on CIFAR-100: hint at the stage-2 outputs (RepDistiller hint_layer
# 2, mdistiller FITNET.HINT_LAYER 2 = feats[2]): teacher backbone.layer2 (32, 16, 16) <- student
# backbone.layer2 (32, 16, 16).
_base_ = ['./fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(
    architecture=base_model('resnet32'),
    teacher=base_model('resnet110'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.layer2')),
        teacher_recorders=dict(hint=dict(source='backbone.layer2')),
        connectors=dict(hint_connector=dict(student_shape=(32, 16, 16),
                                            teacher_shape=(32, 16, 16)))))
