# SoKD on kd, ResNet20 -> ResNet8 on Fashion-MNIST, live DAM: stage-2 hint (layer2,
# 32x16x16), 3-block connector, the reference search during the first 4 of 15 epochs (the
# authors search 20 of 240; a longer share of a short run is kept for the policy to move).
_base_ = ['../kd/kd_r20_r8_fashion_mnist.py']

model = dict(
    type='SoKDDistill', search_epochs=4,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'), dam='live',
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        connectors=dict(hint_connector=dict(
            type='ThreeBlockConvRegConnector', student_shape=(32, 16, 16),
            teacher_shape=(32, 16, 16)))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
