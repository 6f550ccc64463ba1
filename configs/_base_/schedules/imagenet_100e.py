# The standard ImageNet KD recipe (CRD/ReviewKD): 100 epochs, SGD 0.1 at batch 256, x0.1 at
# 30/60/90, wd 1e-4.
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)
# The resumable loop continues a mid-epoch checkpoint where it stopped (sokd_mm.engine.runner).
train_cfg = dict(type='ResumableEpochBasedTrainLoop',
                 max_epochs=100, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256, enable=False)
