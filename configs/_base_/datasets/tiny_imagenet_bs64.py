# Tiny-ImageNet-200 (64x64) in its official layout under data/tiny-imagenet-200.
data_root = 'data/tiny-imagenet-200'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=200,
    mean=[122.45, 114.27, 101.36],
    std=[70.64, 68.62, 71.94],
    to_rgb=True)

train_pipeline = [
    dict(type='mmpretrain.LoadImageFromFile'),
    dict(type='mmpretrain.RandomCrop', crop_size=64, padding=4),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.LoadImageFromFile'), dict(type='mmpretrain.PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=False,
    # New augmentation draws every epoch, recreated exactly on resume (sokd_mm.datasets).
    worker_init_fn=dict(type='epoch_seeded_worker_init'),
    dataset=dict(type='mmpretrain.TinyImageNet', data_root=data_root, split='train',
                 pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(type='mmpretrain.TinyImageNet', data_root=data_root, split='val',
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
