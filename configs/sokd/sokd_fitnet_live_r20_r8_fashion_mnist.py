# SoKD on fitnet, ResNet20 -> ResNet8 on Fashion-MNIST, live DAM: stage-2 hint (layer2,
# 32x16x16), 3-block connector, the reference search during the first 4 of 15 epochs (the
# authors search 20 of 240; a longer share of a short run is kept for the policy to move).
_base_ = ['../fitnet/fitnet_r20_r8_fashion_mnist.py']

model = dict(
    type='SoKDDistill', search_epochs=4,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'), dam='live',
        connectors=dict(hint_connector=dict(type='ThreeBlockConvRegConnector'))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
