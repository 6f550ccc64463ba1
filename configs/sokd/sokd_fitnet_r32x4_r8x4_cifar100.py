# SoKD on fitnet, resnet32x4 -> resnet8x4 on CIFAR-100 (L_DA replaces the plain hint loss): the
# authors' geometry, hint at the stage-2 outputs (teacher backbone.layer2 (128, 16, 16) <- student
# backbone.layer2 (128, 16, 16)) through the 3-block connector; the reference DAM and search, 50
# search epochs (the authors' setting for this pair).
_base_ = ['../fitnet/fitnet_r32x4_r8x4_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.layer2', teacher_hint='backbone.layer2', student_shape=(128, 16, 16),
    teacher_shape=(128, 16, 16), num_classes=100, search_epochs=50)
