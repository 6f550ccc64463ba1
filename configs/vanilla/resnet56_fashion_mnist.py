# resnet56 on Fashion-MNIST (10 classes; see configs/_base_/datasets/fashion_mnist_bs64.py).
_base_ = [
    '../_base_/models/cifar100/resnet56.py', '../_base_/datasets/fashion_mnist_bs64.py',
    '../_base_/schedules/fashion_mnist_15e.py', '../_base_/default_runtime.py'
]
model = dict(head=dict(num_classes=10))
