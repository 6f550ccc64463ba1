# SoKD+ (ours, sokd_plus_settings) on kd, r20 r8 fashion mnist: KD unchanged plus a whole-map hint
# at the stage-2 outputs through FitNet's single-block connector, weight 30; no augmentation, no
# DAM. Why each choice: sokd_mm/utils/sokd_config.py and docs/en/sokd_ablation.md. The authors' SoKD
# for this pair: configs/sokd/sokd_kd_r20_r8_fashion_mnist.py.
_base_ = ['../kd/kd_r20_r8_fashion_mnist.py']
from sokd_mm.utils import sokd_plus_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_plus_settings(
    num_classes=10)
