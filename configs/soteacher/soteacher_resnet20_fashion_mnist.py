# SoTeacher ResNet20 on Fashion-MNIST; the ensemble is sized from the training set.
_base_ = ['../vanilla/resnet20_fashion_mnist.py']
model = dict(
    type='SoTeacherClassifier',
    soteacher_loss=dict(
        type='SoTeacherLoss', num_classes=10, lambda_cr=1.0, lambda_lr=1e-5,
        cr_schedule='linear'))
custom_hooks = [dict(type='SoTeacherHook')]
