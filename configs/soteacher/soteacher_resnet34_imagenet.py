# SoTeacher ResNet-34 on ImageNet-1k. The per-sample ensemble is 1,281,167 x 1000: 5.1 GB in
# float32, so it is kept in host memory in float16 (2.6 GB per process).
_base_ = ['../vanilla/resnet34_imagenet.py']
model = dict(
    type='SoTeacherClassifier',
    soteacher_loss=dict(
        type='SoTeacherLoss', num_classes=1000,
        lambda_cr=1.0, lambda_lr=1e-5, cr_schedule='linear',
        ensemble_device='cpu', ensemble_dtype='float16'))
custom_hooks = [dict(type='SoTeacherHook')]
