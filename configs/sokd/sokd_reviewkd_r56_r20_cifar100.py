# SoKD on ReviewKD, ResNet56 -> ResNet20, CIFAR-100, as the authors run SoKD on ReviewKD (their
# ImageNet code; no CIFAR reference exists): ReviewKD's loss unchanged, every teacher level
# (t0..t3) read through its own learnable augmenter, no DAM and no L_DA; the reference search
# during the first 20 epochs. As in their code the ops do not change the feature values
# (apply_ops=False: only the straight-through magnitude terms reach the loss); set
# apply_ops=True for augmentations that apply.
_base_ = ['../reviewkd/reviewkd_r56_r20_cifar100.py']

model = dict(
    type='SoKDDistill', search_epochs=20,
    distiller=dict(
        type='SoKDDistiller',
        augmented_teacher_recorders=dict(
            t0=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t1=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t2=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t3=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
