# KD, wrn_40_2 -> wrn_16_2 on CIFAR-100: the ResNet56 -> ResNet20 recipe with another pair.
_base_ = ['./kd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('wrn_16_2'), teacher=base_model('wrn_40_2'))
