# SoKD on kd, vgg13 -> vgg8 on CIFAR-100, hint backbone.block4 <- backbone.block4.
_base_ = ['../kd/kd_vgg13_vgg8_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.block4', teacher_hint='backbone.block4', student_shape=(512, 4, 4),
    teacher_shape=(512, 4, 4), num_classes=100)
