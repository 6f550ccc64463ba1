# SoKD on crd, ResNet20 -> ResNet8 on Fashion-MNIST, reference DAM: the CRD losses stay, the SoKD
# terms are added at the stage-2 hint (layer2, 32x16x16) through the 3-block connector, the
# reference search during the first 4 of 15 epochs.
_base_ = ['../crd/crd_r20_r8_fashion_mnist.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    num_classes=10, search_epochs=4, dam='reference')
