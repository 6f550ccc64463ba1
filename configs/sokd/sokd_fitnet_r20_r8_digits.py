# SoKD-FitNet, ResNet20 -> ResNet8 on the embedded digits dataset (the demo's run): 10 heatmap
# classes, search during the first 5 of 30 epochs, first-order search to keep the demo short.
_base_ = ['../fitnet/fitnet_r20_r8_digits.py']
model = dict(
    type='SoKDDistill',
    search_epochs=5,
    search='first_order',
    distiller=dict(
        type='SoKDDistiller',
        distill_losses=dict(_delete_=True),
        loss_forward_mappings=dict(_delete_=True),
        sokd_hints=dict(
            hint=dict(student_recorder='hint', teacher_recorder='hint',
                      connector='hint_connector',
                      dam=dict(type='DistinctiveAreaModule', in_channels=64, num_classes=10,
                               topk=8))),
        loss_weights=dict(area=1000.0, agreement=1000.0)))
optim_wrapper = dict(
    _delete_=True,
    constructor='SoKDOptimWrapperConstructor',
    student=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)),
    policy=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)))
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
