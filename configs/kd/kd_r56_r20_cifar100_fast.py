# KD ResNet56 -> ResNet20 through the fast runtime, for a GPU: the training split and its
# crop/flip on the device, losses read at the logging interval (no per-iteration host sync),
# bf16 autocast, channels_last. The same as `tools/train.py kd_r56_r20_cifar100.py --fast`.
_base_ = ['./kd_r56_r20_cifar100.py']
train_cfg = dict(type='DeviceResidentTrainLoop')
train_dataloader = dict(num_workers=0, persistent_workers=False)
optim_wrapper = dict(type='BF16OptimWrapper')
default_hooks = dict(runtime_info=dict(type='DeferredRuntimeInfoHook'))
