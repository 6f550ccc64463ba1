# SoKD on KD, ResNet56 -> ResNet20, CIFAR-100: KD's logit loss stays as it is; the SoKD terms
# are added at layer3 (64x8x8 on both networks) through a FitNet-style connector.
_base_ = ['../kd/kd_r56_r20_cifar100.py']
model = dict(
    type='SoKDDistill',
    search_epochs=20,
    search='second_order',
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
                      dam=dict(type='DistinctiveAreaModule', in_channels=64, num_classes=100,
                               topk=8))),
        loss_weights=dict(area=1000.0, agreement=1000.0)))
optim_wrapper = dict(
    _delete_=True,
    constructor='SoKDOptimWrapperConstructor',
    student=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)),
    policy=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)))
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
