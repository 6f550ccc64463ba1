# SoKD+ (ours) on kd, wrn40x2 wrn16x2 cifar100: KD unchanged plus a whole-map hint at the stage-2
# outputs through FitNet's single-block connector, weight 30; no augmentation, no DAM. Why each
# choice: docs/en/sokd_ablation.md. The authors' SoKD for this pair:
# configs/sokd/sokd_kd_wrn40x2_wrn16x2_cifar100.py.
_base_ = ['../kd/kd_wrn40x2_wrn16x2_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=0,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'),
        dam='off', augment=False, area_weight=30.0,
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.block2')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.block2')),
        connectors=dict(hint_connector=dict(
            type='ConvRegConnector', student_shape=(64, 16, 16),
            teacher_shape=(64, 16, 16)))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
