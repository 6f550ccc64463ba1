# SoKD-KD ablation, ResNet20 -> ResNet8, Fashion-MNIST: KD plus a light whole-map stage-2 hint
# (weight 10) through FitNet's 1-block connector, no augmentation. Everything else as
# configs/sokd/sokd_kd_r20_r8_fashion_mnist.py; the table and its command: docs/en/sokd_ablation.md.
_base_ = ['../../../kd/kd_r20_r8_fashion_mnist.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    num_classes=10, search_epochs=4, dam='off', augment=False, connector='ConvRegConnector',
    area_weight=10.0)
