# SoKD-KD, ResNet20 -> ResNet8 on the embedded digits dataset (the demo's run): KD's loss as it
# is, plus the SoKD terms at layer3; first-order search during the first 5 of 30 epochs.
_base_ = ['../kd/kd_r20_r8_digits.py']
model = dict(
    type='SoKDDistill',
    search_epochs=5,
    search='first_order',
    distiller=dict(
        type='SoKDDistiller',
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer3')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer3')),
        connectors=dict(
            hint_connector=dict(type='ConvRegConnector', student_shape=(64, 8, 8),
                                teacher_shape=(64, 8, 8))),
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
