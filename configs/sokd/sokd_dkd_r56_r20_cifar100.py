# SoKD on dkd, ResNet56 -> ResNet20, CIFAR-100: the DKD losses stay as they are, the SoKD terms are
# added ([choice]: no reference exists for this base). The authors' geometry: hint at the stage-2
# outputs (layer2, 32x16x16) through the 3-block connector; the teacher's feature is refined by a
# learnable augmentation (the reference search during the first 20 epochs) and the transfer is
# confined to the reference DAM's areas. All SoKD fields (dam='live', search modes, ablations):
# docs/en/user_guides/sokd.md.
_base_ = ['../dkd/dkd_r56_r20_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=20,
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
