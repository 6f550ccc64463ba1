# KD, resnet110 -> resnet32 on CIFAR-100 (RepDistiller reference: KD 73.08, FitNet 71.06): the
# ResNet56 -> ResNet20 recipe (T 4, CE 0.1 + KD 0.9) with another pair.
_base_ = ['./kd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('resnet32'), teacher=base_model('resnet110'))
