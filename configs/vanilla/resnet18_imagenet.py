# Plain training of ResNet-18 on ImageNet-1k (mmpretrain's recipe: 100 epochs, batch 256).
_base_ = [
    '../_base_/models/imagenet/resnet18.py', '../_base_/datasets/imagenet_bs256.py',
    '../_base_/schedules/imagenet_100e.py', '../_base_/default_runtime.py'
]
