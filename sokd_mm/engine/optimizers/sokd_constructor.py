"""Two optimizers for SoKD: ``student`` (student, connectors, DAMs, the base method's trainable
loss modules) and ``policy`` (the feature augmenters and their control variates).

mmrazor's ``SeparateOptimWrapperConstructor`` builds one optimizer per top-level submodule, but
the policy lives inside the distiller next to modules the student optimizer must train, so the
split is made here by module path; each side is then built by mmengine's default constructor
(``paramwise_cfg`` works per side).
"""
import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS

from sokd_mm.errors import ConfigError


def split_student_and_policy(model: nn.Module):
    """Two holder modules referencing (not owning) the student-side and policy submodules."""
    student, policy = nn.Module(), nn.Module()
    for name, child in model.named_children():
        if name == 'teacher':
            continue
        if name == 'distiller' and hasattr(child, 'augmenters'):
            for sub_name, sub in child.named_children():
                target = policy if sub_name == 'augmenters' else student
                target.add_module(f'distiller_{sub_name}', sub)
        else:
            student.add_module(name, child)
    return student, policy


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SoKDOptimWrapperConstructor:
    """``optim_wrapper=dict(constructor='SoKDOptimWrapperConstructor', student=dict(...),
    policy=dict(...))``; returns an ``OptimWrapperDict`` with those two keys."""

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg=None) -> None:
        unknown = set(optim_wrapper_cfg) - {'student', 'policy'}
        if unknown or 'student' not in optim_wrapper_cfg:
            raise ConfigError('SoKDOptimWrapperConstructor takes a "student" and an optional '
                             f'"policy" optimizer config, got {sorted(optim_wrapper_cfg)}')
        self.constructors = {}
        for key, cfg in optim_wrapper_cfg.items():
            cfg = dict(cfg)
            self.constructors[key] = DefaultOptimWrapperConstructor(
                cfg, cfg.pop('paramwise_cfg', None))

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        model = getattr(model, 'module', model)
        student, policy = split_student_and_policy(model)
        parts = dict(student=student, policy=policy)
        # With the augmentation off (model.distiller.augment=False) there is no policy to
        # optimise: the policy optimizer is left out rather than built on no parameters.
        return OptimWrapperDict(**{k: c(parts[k]) for k, c in self.constructors.items()
                                   if any(True for _ in parts[k].parameters())})
