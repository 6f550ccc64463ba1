# SoKD-KD, ResNet20 -> ResNet8 on the embedded digits dataset (the demo's run): KD as it is, plus
# the SoKD terms at the stage-2 output (layer2, 32x16x16, 3-block connector); the reference
# search during the first 5 of 30 epochs.
_base_ = ['../kd/kd_r20_r8_digits.py']

model = dict(
    type='SoKDDistill', search_epochs=5,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        connectors=dict(hint_connector=dict(
            type='ThreeBlockConvRegConnector', student_shape=(32, 16, 16),
            teacher_shape=(32, 16, 16)))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
