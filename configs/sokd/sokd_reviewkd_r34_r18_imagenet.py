# SoKD on ReviewKD, ResNet34 -> ResNet18 on ImageNet-1k (paper: 71.61 -> 72.53 top-1), as the
# authors' code runs it: ReviewKD's loss unchanged, every teacher level (t0..t4: the four stages
# and the pooled feature) read through its own learnable augmenter, no DAM and no L_DA; the
# reference search during the first 20 epochs; the ImageNet SGD (0.1, wd 1e-4). As in their
# code the ops do not change the feature values (apply_ops=False); apply_ops=True applies them.
_base_ = ['../reviewkd/reviewkd_r34_r18_imagenet.py']
from sokd_mm.utils import sokd_levels_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_levels_settings(
    teacher_recorders=('t0', 't1', 't2', 't3', 't4'), apply_ops=False, student_lr=0.1,
    student_weight_decay=1e-4)
