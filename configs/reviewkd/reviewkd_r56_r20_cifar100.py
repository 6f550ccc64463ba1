# ReviewKD, ResNet56 -> ResNet20 on CIFAR-100: the three stages and the pooled embedding.
_base_ = [
    '../_base_/distill/reviewkd.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet20'),
    teacher=base_model('resnet56'),
    distiller=dict(
        student_recorders=dict(
            s0=dict(type='ModuleOutputs', source='backbone.layer1'),
            s1=dict(type='ModuleOutputs', source='backbone.layer2'),
            s2=dict(type='ModuleOutputs', source='backbone.layer3'),
            s3=dict(type='ModuleOutputs', source='neck')),
        teacher_recorders=dict(
            t0=dict(type='ModuleOutputs', source='backbone.layer1'),
            t1=dict(type='ModuleOutputs', source='backbone.layer2'),
            t2=dict(type='ModuleOutputs', source='backbone.layer3'),
            t3=dict(type='ModuleOutputs', source='neck')),
        distill_losses=dict(
            loss_review=dict(in_channels=[16, 32, 64, 64], out_channels=[16, 32, 64, 64])),
        loss_forward_mappings=dict(
            loss_review=dict(
                student_0=dict(from_student=True, recorder='s0'),
                student_1=dict(from_student=True, recorder='s1'),
                student_2=dict(from_student=True, recorder='s2'),
                student_3=dict(from_student=True, recorder='s3'),
                teacher_0=dict(from_student=False, recorder='t0'),
                teacher_1=dict(from_student=False, recorder='t1'),
                teacher_2=dict(from_student=False, recorder='t2'),
                teacher_3=dict(from_student=False, recorder='t3')))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
