# CRD, ResNet20 -> ResNet8 on Fashion-MNIST: the recipe of crd_r56_r20_cifar100.py (weight 0.8,
# CE 1, 128-d embeddings, temperature 0.07) with this data, its 15-epoch schedule and 10 classes,
# and 4,096 negatives [choice]: the recipe's 16,384 exceed the 5,000-image subsets this data is
# used with on a CPU (they would be drawn with replacement) and cost 4x the time. The memory bank
# holds one row per training image (tools/train.py sizes it, dataset.indices subsets included).
_base_ = [
    '../_base_/distill/crd.py', '../_base_/datasets/fashion_mnist_bs64.py',
    '../_base_/schedules/fashion_mnist_15e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model, crd_train_dataset  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet8', num_classes=10),
    teacher=base_model('resnet20', num_classes=10),
    distiller=dict(connectors=dict(crd_student=dict(dim_in=64), crd_teacher=dict(dim_in=64)),
                   distill_losses=dict(loss_crd=dict(neg_num=4096))))
# CRD draws its negatives by sample index: CRDContrastDataset (sokd_mm/datasets/crd_dataset.py)
# wraps the training set and PackInputs keeps the contrast indices.
train_dataloader = dict(dataset=crd_train_dataset(
    dict(type='mmpretrain.OfflineFashionMNIST', data_root=_base_.data_root, split='train'),
    _base_.train_pipeline, neg_num=4096))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
