"""What a SoKD config adds to its baseline config, as one call (see configs/sokd/)."""
from typing import Sequence, Tuple


def sokd_settings(student_hint: str = 'backbone.layer3', teacher_hint: str = 'backbone.layer3',
                  student_shape: Sequence[int] = (64, 8, 8),
                  teacher_shape: Sequence[int] = (64, 8, 8), num_classes: int = 100,
                  topk: int = 8, search_epochs: int = 20, search: str = 'second_order',
                  student_lr: float = 0.05, student_weight_decay: float = 5e-4,
                  area_weight: float = 1000.0,
                  agreement_weight: float = 1000.0,
                  replaces_hint_loss: bool = False) -> Tuple[dict, dict, dict]:
    """``(model, optim_wrapper, model_wrapper_cfg)`` that turn a distillation config into its
    SoKD version (METHODS.md section 2), to be assigned in a child config::

        _base_ = ['../kd/kd_r56_r20_cifar100.py']
        from sokd_mm.utils import sokd_settings
        model, optim_wrapper, model_wrapper_cfg = sokd_settings(num_classes=100)

    Args:
        student_hint, teacher_hint: module names of the hint features (recorded as ``hint``).
        student_shape, teacher_shape: ``(C, H, W)`` of those features; a ``ConvRegConnector``
            named ``hint_connector`` maps the student's onto the teacher's.
        num_classes: heatmap channels of the DAM (K); topk: number of areas (k).
        search_epochs, search: policy search length and ``'second_order'``/``'first_order'``.
        student_lr, student_weight_decay: the student's SGD (lr 0.01 for MobileNetV2 /
            ShuffleNets; ImageNet: 0.1 and 1e-4).
        area_weight, agreement_weight: w_da and w_d.
        replaces_hint_loss: drop the baseline's own distillation losses (FitNet: L_DA
            replaces the plain hint loss).
    """
    distiller = dict(
        type='SoKDDistiller',
        student_recorders=dict(hint=dict(type='ModuleOutputs', source=student_hint)),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source=teacher_hint)),
        connectors=dict(hint_connector=dict(type='ConvRegConnector',
                                            student_shape=tuple(student_shape),
                                            teacher_shape=tuple(teacher_shape))),
        sokd_hints=dict(hint=dict(
            student_recorder='hint', teacher_recorder='hint', connector='hint_connector',
            dam=dict(type='DistinctiveAreaModule', in_channels=int(teacher_shape[0]),
                     num_classes=num_classes, topk=topk))),
        loss_weights=dict(area=area_weight, agreement=agreement_weight))
    if replaces_hint_loss:
        distiller.update(distill_losses=dict(_delete_=True),
                         loss_forward_mappings=dict(_delete_=True))
    model = dict(type='SoKDDistill', search_epochs=search_epochs, search=search,
                 distiller=distiller)
    optim_wrapper = dict(
        _delete_=True,
        constructor='SoKDOptimWrapperConstructor',
        student=dict(optimizer=dict(type='SGD', lr=student_lr, momentum=0.9,
                                    weight_decay=student_weight_decay)),
        policy=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999),
                                   weight_decay=1e-3)))
    # SoKD's train_step (search, then student step) runs through its own DDP wrapper, and the
    # policy's parameters are outside the student's graph.
    model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
    return model, optim_wrapper, model_wrapper_cfg
