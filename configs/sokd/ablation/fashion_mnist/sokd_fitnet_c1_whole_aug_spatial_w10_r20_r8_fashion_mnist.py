# SoKD-FitNet ablation, ResNet20 -> ResNet8, Fashion-MNIST: FitNet's 1-block connector, a whole-map
# hint at weight 10, augmentation with the spatial ops only. Everything else as
# configs/sokd/sokd_fitnet_r20_r8_fashion_mnist.py; the table and its command:
# docs/en/sokd_ablation.md.
_base_ = ['../../../fitnet/fitnet_r20_r8_fashion_mnist.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    num_classes=10, search_epochs=4, dam='off',
    connector='ConvRegConnector', augment_ops='spatial', area_weight=10.0)
