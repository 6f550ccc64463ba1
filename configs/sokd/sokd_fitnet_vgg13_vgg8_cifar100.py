# SoKD on fitnet, vgg13 -> vgg8 on CIFAR-100 (L_DA replaces the plain hint loss): the authors'
# geometry, hint at the stage-2 outputs (teacher backbone.relu2 (256, 8, 8) <- student
# backbone.relu2 (256, 8, 8)) through the 3-block connector; the reference DAM and search, 10 search
# epochs (the authors' setting for this pair).
_base_ = ['../fitnet/fitnet_vgg13_vgg8_cifar100.py']
from sokd_mm.utils import sokd_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_settings(
    student_hint='backbone.relu2', teacher_hint='backbone.relu2', student_shape=(256, 8, 8),
    teacher_shape=(256, 8, 8), num_classes=100, search_epochs=10)
