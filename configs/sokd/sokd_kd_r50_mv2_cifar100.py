# SoKD on kd, resnet50 -> mobilenetv2 on CIFAR-100, hint backbone.layer2 <- backbone.blocks.2.
_base_ = ['../kd/kd_r50_mv2_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.blocks.2', teacher_hint='backbone.layer2', student_shape=(16, 8, 8),
    teacher_shape=(512, 16, 16), num_classes=100, student_lr=0.01)
