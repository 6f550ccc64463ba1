# SoTeacher ResNet-34 on Tiny-ImageNet-200 (100,000 training images, 200 classes: 80 MB ensemble).
_base_ = ['../vanilla/resnet34_tinyimagenet.py']
model = dict(
    type='SoTeacherClassifier',
    soteacher_loss=dict(
        type='SoTeacherLoss', num_classes=200,
        lambda_cr=1.0, lambda_lr=1e-5, cr_schedule='linear'))
custom_hooks = [dict(type='SoTeacherHook')]
