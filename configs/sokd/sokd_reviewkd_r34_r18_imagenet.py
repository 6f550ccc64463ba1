# SoKD on ReviewKD, ResNet34 -> ResNet18 on ImageNet-1k (paper: 71.61 -> 72.53 top-1): the
# SoKD terms at layer4 (512x7x7), a 1000-class DAM heatmap, the ImageNet SGD (0.1, wd 1e-4).
_base_ = ['../reviewkd/reviewkd_r34_r18_imagenet.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.layer4', teacher_hint='backbone.layer4', student_shape=(512, 7, 7),
    teacher_shape=(512, 7, 7), num_classes=1000, student_lr=0.1, student_weight_decay=1e-4)
