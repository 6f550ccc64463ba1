# SoKD+ (ours, sokd_plus_settings) on fitnet, r32x4 shv2 cifar100: FitNet's own hint loss, through
# FitNet's single-block connector, at weight 30 (the recipe's is 100): on the FitNet base SoKD+ is
# FitNet at that weight; no augmentation, no DAM. Why each choice: sokd_mm/utils/sokd_config.py and
# docs/en/sokd_ablation.md. The authors' SoKD for this pair:
# configs/sokd/sokd_fitnet_r32x4_shv2_cifar100.py.
_base_ = ['../fitnet/fitnet_r32x4_shv2_cifar100.py']
from sokd_mm.utils import sokd_plus_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_plus_settings(
    student_hint='backbone.layer2', teacher_hint='backbone.layer2', student_shape=(232, 8, 8),
    teacher_shape=(128, 16, 16), num_classes=100, student_lr=0.01)
