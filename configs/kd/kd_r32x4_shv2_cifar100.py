# KD, resnet32x4 -> shufflev2 on CIFAR-100: the ResNet56 -> ResNet20 recipe with another pair.
_base_ = ['./kd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('shufflev2'), teacher=base_model('resnet32x4'))

# The reference recipe uses lr 0.01 for MobileNetV2 / ShuffleNets.
optim_wrapper = dict(optimizer=dict(lr=0.01))
