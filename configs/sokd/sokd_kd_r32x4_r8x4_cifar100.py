# SoKD on kd, resnet32x4 -> resnet8x4 on CIFAR-100, hint backbone.layer3 <- backbone.layer3.
_base_ = ['../kd/kd_r32x4_r8x4_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.layer3', teacher_hint='backbone.layer3', student_shape=(256, 8, 8),
    teacher_shape=(256, 8, 8), num_classes=100)
