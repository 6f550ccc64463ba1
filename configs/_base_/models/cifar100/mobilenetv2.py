# mobilenetv2 of the CRD/RepDistiller CIFAR suite as a 100-class mmpretrain classifier.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarMobileNetV2', widen_factor=0.5),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=1280,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
