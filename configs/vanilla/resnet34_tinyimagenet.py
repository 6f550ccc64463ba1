# Plain training of ResNet-34 (mmpretrain's) on Tiny-ImageNet-200 with the CIFAR recipe.
_base_ = [
    '../_base_/models/imagenet/resnet34.py', '../_base_/datasets/tiny_imagenet_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
model = dict(head=dict(num_classes=200))
