# resnet50 of the CRD/RepDistiller CIFAR suite as a 100-class mmpretrain classifier.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNetV2', num_blocks=(3, 4, 6, 3)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
