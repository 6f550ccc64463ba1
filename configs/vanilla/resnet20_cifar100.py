# Plain (cross-entropy) training of resnet20 on CIFAR-100 with the reference recipe.
_base_ = [
    '../_base_/models/cifar100/resnet20.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
