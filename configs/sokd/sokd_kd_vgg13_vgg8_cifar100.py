# SoKD on kd, vgg13 -> vgg8 on CIFAR-100 (KD's loss stays as it is, the SoKD terms are added): the
# authors' geometry, hint at the stage-2 outputs (teacher backbone.relu2 (256, 8, 8) <- student
# backbone.relu2 (256, 8, 8)) through the 3-block connector; the reference DAM and search, 10 search
# epochs (the authors' setting for this pair).
_base_ = ['../kd/kd_vgg13_vgg8_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=10,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.relu2')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.relu2')),
        connectors=dict(hint_connector=dict(
            type='ThreeBlockConvRegConnector', student_shape=(256, 8, 8),
            teacher_shape=(256, 8, 8)))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
