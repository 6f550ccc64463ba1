# SoKD-FitNet, ResNet20 -> ResNet8 on the embedded digits dataset (the demo's run): the authors'
# geometry (stage-2 hint, layer2 32x16x16, 3-block connector) and DAM, 10 heatmap classes;
# the reference search during the first 5 of 30 epochs to keep the demo short.
_base_ = ['../fitnet/fitnet_r20_r8_digits.py']

model = dict(
    type='SoKDDistill', search_epochs=5,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        connectors=dict(hint_connector=dict(type='ThreeBlockConvRegConnector'))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
