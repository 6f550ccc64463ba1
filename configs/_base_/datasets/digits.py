# The embedded dataset: scikit-learn's handwritten digits (1,438 train / 359 test, 10 classes),
# upsampled to 32x32 RGB so that every CIFAR architecture runs unchanged. Nothing to download.
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=10,
    mean=[77.8, 77.8, 77.8],
    std=[82.6, 82.6, 82.6],
    to_rgb=False)

# No horizontal flip: a mirrored digit is another glyph.
train_pipeline = [
    dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # the whole set is in memory; worker start-up would dominate
    dataset=dict(type='mmpretrain.Digits32', split='train', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    dataset=dict(type='mmpretrain.Digits32', split='test', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
