# SoKD on FitNet, ResNet56 -> ResNet20, CIFAR-100: the teacher's layer3 feature is refined by a
# learnable augmentation (searched during the first 20 epochs) and the transfer is confined to
# the areas the DAM finds on both networks. L_DA replaces FitNet's plain hint loss.
_base_ = ['../fitnet/fitnet_r56_r20_cifar100.py']
model = dict(
    type='SoKDDistill',
    search_epochs=20,
    search='second_order',  # or 'first_order' (cheaper)
    distiller=dict(
        type='SoKDDistiller',
        distill_losses=dict(_delete_=True),
        loss_forward_mappings=dict(_delete_=True),
        sokd_hints=dict(
            hint=dict(student_recorder='hint', teacher_recorder='hint',
                      connector='hint_connector',
                      dam=dict(type='DistinctiveAreaModule', in_channels=64, num_classes=100,
                               topk=8))),
        loss_weights=dict(area=1000.0, agreement=1000.0)))
# Two optimizers: the recipe's SGD for the student side, Adam for the augmentation policy.
optim_wrapper = dict(
    _delete_=True,
    constructor='SoKDOptimWrapperConstructor',
    student=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)),
    policy=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)))
# SoKD's train_step runs through its own DDP wrapper; the policy is outside the student graph.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
