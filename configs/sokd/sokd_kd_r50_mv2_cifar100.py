# SoKD on kd, resnet50 -> mobilenetv2 on CIFAR-100 (KD's loss stays as it is, the SoKD terms are
# added): the authors' geometry, hint at the stage-2 outputs (teacher backbone.layer2 (512, 16, 16)
# <- student backbone.blocks.2 (16, 8, 8)) through the 3-block connector; the reference DAM and
# search, 20 search epochs (the authors' setting for this pair).
_base_ = ['../kd/kd_r50_mv2_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=20,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.blocks.2')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        connectors=dict(hint_connector=dict(
            type='ThreeBlockConvRegConnector', student_shape=(16, 8, 8),
            teacher_shape=(512, 16, 16)))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
