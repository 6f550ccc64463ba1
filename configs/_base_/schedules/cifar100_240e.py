# The CRD/RepDistiller CIFAR-100 recipe: 240 epochs, batch 64, SGD 0.05 (momentum 0.9,
# wd 5e-4), x0.1 at epochs 150, 180, 210. MobileNetV2 / ShuffleNets use lr 0.01.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[150, 180, 210], gamma=0.1)
# The resumable loop continues a mid-epoch checkpoint where it stopped (sokd_mm.engine.runner).
train_cfg = dict(type='ResumableEpochBasedTrainLoop',
                 max_epochs=240, val_interval=1)
val_cfg = dict()
test_cfg = dict()
# The recipe's lr is for one GPU at batch 64. With --auto-scale-lr, mmengine scales it
# linearly to the real total batch (GPUs x batch per GPU).
auto_scale_lr = dict(base_batch_size=64, enable=False)
