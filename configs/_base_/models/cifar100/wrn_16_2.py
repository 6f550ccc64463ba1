# wrn_16_2 of the CRD/RepDistiller CIFAR suite as a 100-class mmpretrain classifier.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarWideResNet', depth=16, widen_factor=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=128,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
