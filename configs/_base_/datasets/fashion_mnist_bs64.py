# Fashion-MNIST (70,000 28x28 grey images of clothing, 10 classes) from its four original IDX gz
# files under data/fashion-mnist, or Debian's copy in /usr/share/datasets/fashion-mnist
# (`apt-get install dataset-fashion-mnist`); never downloaded (see docs/en/get_started.md "Data").
# The dataset pads each image to 32x32 and repeats it to 3 channels, so the CIFAR zoo runs as it
# is; training uses the CIFAR augmentation (crop 32 with padding 4, horizontal flip: garments
# are left-right symmetric classes). Mean/std: Fashion-MNIST's 0.286/0.353, times 255.
# Each sample carries its `sample_idx` (SoTeacher). `train_dataloader.dataset.indices=N`
# trains on the first N images (the set is shuffled) for short CPU runs.
dataset_type = 'OfflineFashionMNIST'
data_root = 'data/fashion-mnist'
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=10,
    mean=[72.94, 72.94, 72.94],
    std=[90.02, 90.02, 90.02],
    to_rgb=False)

train_pipeline = [
    dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in memory; on 2 CPU cores the workers would compete with the model
    dataset=dict(type=f'mmpretrain.{dataset_type}', data_root=data_root, split='train',
                 pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    dataset=dict(type=f'mmpretrain.{dataset_type}', data_root=data_root, split='test',
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
