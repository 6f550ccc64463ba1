# SoKD on fitnet, wrn_40_2 -> wrn_16_2 on CIFAR-100, hint backbone.relu <- backbone.relu.
_base_ = ['../fitnet/fitnet_wrn40x2_wrn16x2_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.relu', teacher_hint='backbone.relu', student_shape=(128, 8, 8),
    teacher_shape=(128, 8, 8), num_classes=100, replaces_hint_loss=True)
