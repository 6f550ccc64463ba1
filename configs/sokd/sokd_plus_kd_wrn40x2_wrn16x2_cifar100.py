# SoKD+ (ours, sokd_plus_settings) on kd, wrn40x2 wrn16x2 cifar100: KD unchanged plus a whole-map
# hint at the stage-2 outputs through FitNet's single-block connector, weight 30; no augmentation,
# no DAM. Why each choice: sokd_mm/utils/sokd_config.py and docs/en/sokd_ablation.md. The authors'
# SoKD for this pair: configs/sokd/sokd_kd_wrn40x2_wrn16x2_cifar100.py.
_base_ = ['../kd/kd_wrn40x2_wrn16x2_cifar100.py']
from sokd_mm.utils import sokd_plus_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_plus_settings(
    student_hint='backbone.block2', teacher_hint='backbone.block2', student_shape=(64, 16, 16),
    teacher_shape=(64, 16, 16), num_classes=100)
