# SoKD on fitnet, resnet110 -> resnet32 on CIFAR-100 (L_DA replaces the plain hint loss): the
# authors' geometry, hint at the stage-2 outputs (teacher backbone.layer2 (32, 16, 16) <- student
# backbone.layer2 (32, 16, 16)) through the 3-block connector; the reference DAM and search, 20
# search epochs.
_base_ = ['../fitnet/fitnet_r110_r32_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.layer2', teacher_hint='backbone.layer2', student_shape=(32, 16, 16),
    teacher_shape=(32, 16, 16), num_classes=100, search_epochs=20)
