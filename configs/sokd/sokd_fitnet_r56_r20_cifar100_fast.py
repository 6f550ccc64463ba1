# SoKD-FitNet ResNet56 -> ResNet20 through the fast runtime (see kd_r56_r20_cifar100_fast.py):
# bf16 on the student's optimizer; the policy search keeps float32.
_base_ = ['./sokd_fitnet_r56_r20_cifar100.py']
train_cfg = dict(type='DeviceResidentTrainLoop')
train_dataloader = dict(num_workers=0, persistent_workers=False)
optim_wrapper = dict(type='BF16OptimWrapper')
default_hooks = dict(runtime_info=dict(type='DeferredRuntimeInfoHook'))
