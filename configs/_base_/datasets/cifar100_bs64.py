# CIFAR-100 from the original cifar-100-python pickles under data/cifar100 (never downloaded:
# see docs/en/get_started.md "Data"). Crop 32 with padding 4 + horizontal flip; CIFAR-100 mean/std.
# Each data sample carries its `sample_idx` (SoTeacher's per-sample ensemble needs it).
dataset_type = 'OfflineCIFAR100'
data_root = 'data/cifar100'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=100,
    mean=[129.304, 124.070, 112.434],
    std=[68.170, 65.392, 70.418],
    to_rgb=False)  # the pickles are RGB already

train_pipeline = [
    dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    # New augmentation draws every epoch, recreated exactly on resume (sokd_mm.datasets).
    worker_init_fn=dict(type='epoch_seeded_worker_init'),
    dataset=dict(type=f'mmpretrain.{dataset_type}', data_root=data_root, split='train',
                 pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(type=f'mmpretrain.{dataset_type}', data_root=data_root, split='test',
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
