# KD, wrn_40_2 -> wrn_40_1 on CIFAR-100 (RepDistiller reference: KD 73.54, FitNet 72.24): the
# ResNet56 -> ResNet20 recipe (T 4, CE 0.1 + KD 0.9) with another pair.
_base_ = ['./kd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('wrn_40_1'), teacher=base_model('wrn_40_2'))
