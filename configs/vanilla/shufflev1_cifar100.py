# Plain (cross-entropy) training of shufflev1 on CIFAR-100 with the reference recipe.
_base_ = [
    '../_base_/models/cifar100/shufflev1.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]

# The reference recipe uses lr 0.01 for the light-weight networks.
optim_wrapper = dict(optimizer=dict(lr=0.01))
