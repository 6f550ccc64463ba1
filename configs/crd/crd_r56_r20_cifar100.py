# CRD, ResNet56 -> ResNet20 on CIFAR-100 (RepDistiller reference: 71.16).
_base_ = [
    '../_base_/distill/crd.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet20'),
    teacher=base_model('resnet56'),
    distiller=dict(connectors=dict(crd_student=dict(dim_in=64), crd_teacher=dict(dim_in=64))))
# CRD draws its negatives by sample index: CRDContrastDataset (mmrazor's CRDDataset for any
# class balance, sokd_mm/datasets/crd_dataset.py) wraps the training set and
# PackInputs must keep the contrast indices.
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='mmrazor.CRDContrastDataset',
        dataset=dict(
            type='mmpretrain.OfflineCIFAR100',
            data_root='data/cifar100',
            split='train',
            pipeline=_base_.train_pipeline[:-1] + [
                dict(type='mmpretrain.PackInputs',
                     meta_keys=('sample_idx', 'contrast_sample_idxs'))]),
        neg_num=16384,
        sample_mode='exact',
        percent=1.0))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
