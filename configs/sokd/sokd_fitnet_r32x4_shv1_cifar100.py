# SoKD on fitnet, resnet32x4 -> shufflev1 on CIFAR-100, hint backbone.layer3 <- backbone.layer2.
_base_ = ['../fitnet/fitnet_r32x4_shv1_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.layer2', teacher_hint='backbone.layer3', student_shape=(480, 8, 8),
    teacher_shape=(256, 8, 8), num_classes=100, student_lr=0.01, replaces_hint_loss=True)
