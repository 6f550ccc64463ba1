# SoKD+ (ours) on fitnet, r32x4 r8x4 cifar100: FitNet's own hint loss, through FitNet's single-block
# connector, at weight 30 (the recipe's is 100): on the FitNet base SoKD+ is FitNet at that weight;
# no augmentation, no DAM. Why each choice: docs/en/sokd_ablation.md. The authors' SoKD for this
# pair: configs/sokd/sokd_fitnet_r32x4_r8x4_cifar100.py.
_base_ = ['../fitnet/fitnet_r32x4_r8x4_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=0,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        dam='off', augment=False, area_weight=30.0))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
