# A short schedule for the embedded digits dataset (1,438 training images): the CIFAR recipe
# compressed to 30 epochs, decays at 18, 24, 27.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[18, 24, 27], gamma=0.1)
# The resumable loop continues a mid-epoch checkpoint where it stopped (sokd_mm.engine.runner).
train_cfg = dict(type='ResumableEpochBasedTrainLoop',
                 max_epochs=30, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64, enable=False)
