# CRD, ResNet56 -> ResNet20 on CIFAR-100 (RepDistiller reference: 71.16).
_base_ = [
    '../_base_/distill/crd.py', '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_240e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model, crd_train_dataset  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet20'),
    teacher=base_model('resnet56'),
    distiller=dict(connectors=dict(crd_student=dict(dim_in=64), crd_teacher=dict(dim_in=64))))
# CRD draws its negatives by sample index: CRDContrastDataset (mmrazor's CRDDataset for any
# class balance, sokd_mm/datasets/crd_dataset.py) wraps the training set and PackInputs keeps
# the contrast indices.
train_dataloader = dict(dataset=crd_train_dataset(
    dict(type='mmpretrain.OfflineCIFAR100', data_root='data/cifar100', split='train'),
    _base_.train_pipeline))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
