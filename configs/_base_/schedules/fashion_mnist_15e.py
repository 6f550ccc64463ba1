# A short schedule for Fashion-MNIST on CPU: the CIFAR recipe (SGD 0.05, momentum 0.9,
# wd 5e-4, x0.1 steps at 62.5%, 75%, 87.5% of the run) compressed to 15 epochs.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[9, 11, 13], gamma=0.1)
train_cfg = dict(type='ResumableEpochBasedTrainLoop', max_epochs=15, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64, enable=False)
