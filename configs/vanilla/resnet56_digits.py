# resnet56 on the embedded digits dataset (nothing to download): the demo's model.
_base_ = [
    '../_base_/models/cifar100/resnet56.py', '../_base_/datasets/digits.py',
    '../_base_/schedules/digits_30e.py', '../_base_/default_runtime.py'
]
model = dict(head=dict(num_classes=10))
