# SoKD+ (ours, sokd_plus_settings) on fitnet, vgg13 vgg8 cifar100: FitNet's own hint loss, through
# FitNet's single-block connector, at weight 30 (the recipe's is 100): on the FitNet base SoKD+ is
# FitNet at that weight; no augmentation, no DAM. Why each choice: sokd_mm/utils/sokd_config.py and
# docs/en/sokd_ablation.md. The authors' SoKD for this pair:
# configs/sokd/sokd_fitnet_vgg13_vgg8_cifar100.py.
_base_ = ['../fitnet/fitnet_vgg13_vgg8_cifar100.py']
from sokd_mm.utils import sokd_plus_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_plus_settings(
    student_hint='backbone.relu2', teacher_hint='backbone.relu2', student_shape=(256, 8, 8),
    teacher_shape=(256, 8, 8), num_classes=100)
