# SoKD-KD with our live DAM, otherwise as sokd_kd_r20_r8_digits.py.
_base_ = ['../kd/kd_r20_r8_digits.py']

model = dict(
    type='SoKDDistill', search_epochs=5,
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
