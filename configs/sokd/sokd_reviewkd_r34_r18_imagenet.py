# SoKD on ReviewKD, ResNet34 -> ResNet18 on ImageNet-1k (paper: 71.61 -> 72.53 top-1), as the
# authors' code runs it: ReviewKD's loss unchanged, every teacher level (t0..t4: the four stages
# and the pooled feature) read through its own learnable augmenter, no DAM and no L_DA; the
# reference search during the first 20 epochs; the ImageNet SGD (0.1, wd 1e-4). As in their
# code the ops do not change the feature values (apply_ops=False); apply_ops=True applies them.
_base_ = ['../reviewkd/reviewkd_r34_r18_imagenet.py']

model = dict(
    type='SoKDDistill', search_epochs=20,
    distiller=dict(
        type='SoKDDistiller',
        augmented_teacher_recorders=dict(
            t0=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t1=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t2=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t3=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'),
            t4=dict(type='FeatureAugmenter', apply_ops=False, op_set='reference'))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
