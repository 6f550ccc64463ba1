# vgg19 of the CRD/RepDistiller CIFAR suite as a 100-class mmpretrain classifier.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarVGG', depth=19),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
)
