# SoKD on fitnet, resnet50 -> mobilenetv2 on CIFAR-100 (L_DA replaces the plain hint loss): the
# authors' geometry, hint at the stage-2 outputs (teacher backbone.layer2 (512, 16, 16) <- student
# backbone.blocks.2 (16, 8, 8)) through the 3-block connector; the reference DAM and search, 20
# search epochs (the authors' setting for this pair).
_base_ = ['../fitnet/fitnet_r50_mv2_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.blocks.2', teacher_hint='backbone.layer2', student_shape=(16, 8, 8),
    teacher_shape=(512, 16, 16), num_classes=100, search_epochs=20, student_lr=0.01)
