# SoKD on fitnet, ResNet20 -> ResNet8 on Fashion-MNIST, reference DAM: stage-2 hint (layer2,
# 32x16x16), 3-block connector, the reference search during the first 4 of 15 epochs (the
# authors search 20 of 240; a longer share of a short run is kept for the policy to move).
_base_ = ['../fitnet/fitnet_r20_r8_fashion_mnist.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    num_classes=10, search_epochs=4, dam='reference')
