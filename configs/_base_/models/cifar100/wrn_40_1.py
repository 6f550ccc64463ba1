# wrn_40_1 of the CRD/RepDistiller CIFAR suite as a 100-class mmpretrain classifier.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarWideResNet', depth=40, widen_factor=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
