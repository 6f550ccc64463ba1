# SoKD+ (ours, sokd_plus_settings) on fitnet, r56 r20 cifar100: FitNet's own hint loss, through
# FitNet's single-block connector, at weight 30 (the recipe's is 100): on the FitNet base SoKD+ is
# FitNet at that weight; no augmentation, no DAM. Why each choice: sokd_mm/utils/sokd_config.py and
# docs/en/sokd_ablation.md. The authors' SoKD for this pair:
# configs/sokd/sokd_fitnet_r56_r20_cifar100.py.
_base_ = ['../fitnet/fitnet_r56_r20_cifar100.py']
from sokd_mm.utils import sokd_plus_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_plus_settings(
    num_classes=100)
