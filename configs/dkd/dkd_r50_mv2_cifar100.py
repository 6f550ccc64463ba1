# Decoupled KD, resnet50 -> mobilenetv2 on CIFAR-100: beta 8.0 (mdistiller
# configs/cifar100/dkd/res50_mv2.yaml (the default)), alpha 1, T 4, 20-epoch warm-up.
_base_ = ['./dkd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('mobilenetv2'), teacher=base_model('resnet50'),
             distiller=dict(distill_losses=dict(loss_dkd=dict(beta=8.0))))

# The reference recipe uses lr 0.01 for MobileNetV2 / ShuffleNets.
optim_wrapper = dict(optimizer=dict(lr=0.01))
