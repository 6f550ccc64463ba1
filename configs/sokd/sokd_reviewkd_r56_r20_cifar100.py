# SoKD on ReviewKD, ResNet56 -> ResNet20, CIFAR-100, as the authors run SoKD on ReviewKD (their
# ImageNet code; no CIFAR reference exists): ReviewKD's loss unchanged, every teacher level
# (t0..t3) read through its own learnable augmenter, no DAM and no L_DA; the reference search
# during the first 20 epochs. As in their code the ops do not change the feature values
# (apply_ops=False: only the straight-through magnitude terms reach the loss); set
# apply_ops=True for augmentations that apply.
_base_ = ['../reviewkd/reviewkd_r56_r20_cifar100.py']
from sokd_mm.utils import sokd_levels_settings  # noqa: E402

model, optim_wrapper, model_wrapper_cfg = sokd_levels_settings(
    teacher_recorders=('t0', 't1', 't2', 't3'), apply_ops=False)
