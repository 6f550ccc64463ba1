# SoTeacher ResNet20 on the embedded digits dataset (the demo's SoTeacher teacher).
_base_ = ['../vanilla/resnet20_digits.py']
model = dict(
    type='SoTeacherClassifier',
    soteacher_loss=dict(
        type='SoTeacherLoss', num_classes=10,
        lambda_cr=1.0, lambda_lr=1e-5, cr_schedule='linear'))
custom_hooks = [dict(type='SoTeacherHook')]
