# SoTeacher: vgg13 trained for its students (ERM + Lipschitz + consistency regularization).
# Distill students from its LAST checkpoint (epoch_240.pth), not the best-accuracy one.
_base_ = ['../vanilla/vgg13_cifar100.py']
model = dict(
    type='SoTeacherClassifier',
    soteacher_loss=dict(
        type='SoTeacherLoss', num_classes=100,
        lambda_cr=1.0, lambda_lr=1e-5, cr_schedule='linear'))
custom_hooks = [dict(type='SoTeacherHook')]
