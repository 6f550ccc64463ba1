# FitNet, vgg13 -> vgg8 on CIFAR-100: hint at the stage-2 outputs (RepDistiller hint_layer 2,
# mdistiller FITNET.HINT_LAYER 2 = feats[2]): teacher backbone.relu2 (256, 8, 8) <- student
# backbone.relu2 (256, 8, 8).
_base_ = ['./fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(
    architecture=base_model('vgg8'),
    teacher=base_model('vgg13'),
    distiller=dict(
        student_recorders=dict(hint=dict(source='backbone.relu2')),
        teacher_recorders=dict(hint=dict(source='backbone.relu2')),
        connectors=dict(hint_connector=dict(student_shape=(256, 8, 8),
                                            teacher_shape=(256, 8, 8)))))
