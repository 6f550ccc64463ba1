# ReviewKD, ResNet56 -> ResNet20 on CIFAR-100, as the ReviewKD authors' CIFAR-100 script runs
# it: HCL weight 0.6, 20-epoch warm-up. The teacher's three stages are read before their final
# ReLU (preact=True: the input of each stage's last relu_out, recorded by ModuleInputs), the
# student's after it (the script calls the student with is_feat=True only; mdistiller's CIFAR
# ReviewKD: STU_PREACT False), plus both pooled embeddings.
_base_ = [
    '../_base_/distill/reviewkd.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'


def _preact(stage: int, last_block: int) -> dict:
    return dict(type='ModuleInputs', source=f'backbone.layer{stage}.{last_block}.relu_out')


def _postact(stage: int) -> dict:
    return dict(type='ModuleOutputs', source=f'backbone.layer{stage}')


model = dict(
    architecture=base_model('resnet20'),
    teacher=base_model('resnet56'),
    distiller=dict(
        student_recorders=dict(s0=_postact(1), s1=_postact(2), s2=_postact(3),
                               s3=dict(type='ModuleOutputs', source='neck')),
        teacher_recorders=dict(t0=_preact(1, 8), t1=_preact(2, 8), t2=_preact(3, 8),
                               t3=dict(type='ModuleOutputs', source='neck')),
        distill_losses=dict(
            loss_review=dict(in_channels=[16, 32, 64, 64], out_channels=[16, 32, 64, 64],
                             loss_weight=0.6)),
        loss_forward_mappings=dict(
            loss_review=dict(
                student_0=dict(from_student=True, recorder='s0'),
                student_1=dict(from_student=True, recorder='s1'),
                student_2=dict(from_student=True, recorder='s2'),
                student_3=dict(from_student=True, recorder='s3'),
                teacher_0=dict(from_student=False, recorder='t0', data_idx=0),
                teacher_1=dict(from_student=False, recorder='t1', data_idx=0),
                teacher_2=dict(from_student=False, recorder='t2', data_idx=0),
                teacher_3=dict(from_student=False, recorder='t3')))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
