# SoKD on fitnet, wrn_40_2 -> wrn_16_2 on CIFAR-100 (L_DA replaces the plain hint loss): the
# authors' geometry, hint at the stage-2 outputs (teacher backbone.block2 (64, 16, 16) <- student
# backbone.block2 (64, 16, 16)) through the 3-block connector; the reference DAM and search, 20
# search epochs (the authors' setting for this pair).
_base_ = ['../fitnet/fitnet_wrn40x2_wrn16x2_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.block2', teacher_hint='backbone.block2', student_shape=(64, 16, 16),
    teacher_shape=(64, 16, 16), num_classes=100, search_epochs=20)
