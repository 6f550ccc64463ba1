# SoKD on fitnet, ResNet56 -> ResNet20, CIFAR-100: L_DA replaces FitNet's plain hint loss. The
# authors' geometry: hint at the stage-2 outputs (layer2, 32x16x16) through the 3-block connector;
# the teacher's feature is refined by a learnable augmentation (the reference search during the
# first 20 epochs) and the transfer is confined to the reference DAM's areas. All SoKD fields
# (dam='live', search modes, ablations): docs/en/user_guides/sokd.md.
_base_ = ['../fitnet/fitnet_r56_r20_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=20,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        connectors=dict(hint_connector=dict(type='ThreeBlockConvRegConnector'))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
