# ReviewKD, ResNet34 -> ResNet18 on ImageNet-1k (paper: 71.61 top-1), mmpretrain's ResNets:
# the four stages and the pooled embedding, review path width 256, HCL weight 1 with a 1-epoch
# warm-up (mdistiller configs/imagenet/r34_r18/reviewkd.yaml). mdistiller reads the student's
# pre-activation stages (STU_PREACT: True); mmpretrain's ResNet applies its ReLUs in place, so
# these are post-activation features.
_base_ = [
    '../_base_/distill/reviewkd.py', '../_base_/datasets/imagenet_bs256.py',
    '../_base_/schedules/imagenet_100e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet18', dataset='imagenet'),
    teacher=base_model('resnet34', dataset='imagenet'),
    distiller=dict(
        student_recorders=dict(
            s0=dict(type='ModuleOutputs', source='backbone.layer1'),
            s1=dict(type='ModuleOutputs', source='backbone.layer2'),
            s2=dict(type='ModuleOutputs', source='backbone.layer3'),
            s3=dict(type='ModuleOutputs', source='backbone.layer4'),
            s4=dict(type='ModuleOutputs', source='neck')),
        teacher_recorders=dict(
            t0=dict(type='ModuleOutputs', source='backbone.layer1'),
            t1=dict(type='ModuleOutputs', source='backbone.layer2'),
            t2=dict(type='ModuleOutputs', source='backbone.layer3'),
            t3=dict(type='ModuleOutputs', source='backbone.layer4'),
            t4=dict(type='ModuleOutputs', source='neck')),
        distill_losses=dict(
            loss_review=dict(in_channels=[64, 128, 256, 512, 512],
                             out_channels=[64, 128, 256, 512, 512], mid_channels=256,
                             warmup_epochs=1)),
        loss_forward_mappings=dict(
            loss_review=dict(
                student_0=dict(from_student=True, recorder='s0'),
                student_1=dict(from_student=True, recorder='s1'),
                student_2=dict(from_student=True, recorder='s2'),
                student_3=dict(from_student=True, recorder='s3'),
                student_4=dict(from_student=True, recorder='s4'),
                teacher_0=dict(from_student=False, recorder='t0'),
                teacher_1=dict(from_student=False, recorder='t1'),
                teacher_2=dict(from_student=False, recorder='t2'),
                teacher_3=dict(from_student=False, recorder='t3'),
                teacher_4=dict(from_student=False, recorder='t4')))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
