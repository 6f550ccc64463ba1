"""Two optimizers for SoKD: ``student`` (student, connectors, DAMs, the base method's trainable
loss modules) and ``policy`` (the feature augmenters and their control variates).

mmrazor's ``SeparateOptimWrapperConstructor`` builds one optimizer per top-level submodule, but
the policy lives inside the distiller next to modules the student optimizer must train, so the
split is made here by module path; each side is then built by mmengine's default constructor
(``paramwise_cfg`` works per side).
"""
import copy

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict

from sokd_mm.errors import ConfigError
from sokd_mm.registry import OPTIM_WRAPPER_CONSTRUCTORS

# The authors' policy optimizer (their Architect: Adam, lr 3e-4, betas (0.5, 0.999), wd 1e-3).
DEFAULT_POLICY = dict(type='OptimWrapper',
                      optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3))


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


def _merged(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merged(merged[key], value)
        merged[key] = value
    return merged


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SoKDOptimWrapperConstructor:
    """``optim_wrapper=dict(constructor='SoKDOptimWrapperConstructor', ...)`` on top of the base
    config's optimizer wrapper: that wrapper (``type``, ``optimizer``, ``paramwise_cfg`` ...)
    trains the student side, ``policy`` (default ``DEFAULT_POLICY``; a partial dict overrides
    its fields) the augmentation policy. Returns an ``OptimWrapperDict`` with the keys
    ``student`` and ``policy``; ``policy`` is left out when nothing would use it (no search:
    ``model.search_epochs=0``; no policy: ``model.distiller.augment=False``)."""

    # What this constructor reads beyond the wrapper's own keys (so --cfg-options
    # optim_wrapper.policy.optimizer.lr=... is no typo to the config checks).
    config_keys = ('policy',)

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg=None) -> None:
        cfg = dict(optim_wrapper_cfg)
        if 'student' in cfg or 'optimizer' not in cfg:
            raise ConfigError(
                "SoKDOptimWrapperConstructor: optim_wrapper needs the student's optimizer as "
                "usual (optim_wrapper.optimizer, inherited from the base config) and an "
                f"optional 'policy'; got the keys {sorted(cfg)}. A former "
                "optim_wrapper.student.optimizer is now optim_wrapper.optimizer.")
        policy = _merged(DEFAULT_POLICY, dict(cfg.pop('policy', None) or {}))
        self.constructors = dict(
            student=DefaultOptimWrapperConstructor(cfg, paramwise_cfg),
            policy=DefaultOptimWrapperConstructor(policy, policy.pop('paramwise_cfg', None)))

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        model = getattr(model, 'module', model)
        student, policy = split_student_and_policy(model)
        parts = dict(student=student)
        # Without a search the policy never steps; with the augmentation off it has no
        # parameters (torch refuses an empty optimizer): no policy optimizer then.
        if getattr(model, 'search_epochs', 1) > 0 and any(True for _ in policy.parameters()):
            parts['policy'] = policy
        return OptimWrapperDict(**{k: self.constructors[k](part) for k, part in parts.items()})
