"""SoKDDistiller: the base method's distillation plus SoKD's terms at chosen hint points.

For each hint ``h`` (METHODS.md 2.3)::

    f_s = connector(F_s)      F~_t = augmenter_h(F_t)      (F_s, F_t from named recorders)
    L += w_da * L_DA(f_s, F~_t) + w_d * L_D(f_s, F~_t)     (DAM_h, see dam.py)

The base method's ``distill_losses`` and ``loss_forward_mappings`` run unchanged (for FitNet
the configs drop the plain hint loss, which L_DA replaces). Any recorder mmrazor offers can be
a hint point.
"""
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmrazor.registry import MODELS

from ..validated_distiller import ValidatedDistiller
from sokd_mm.errors import SokdError


class SoKDConfigError(SokdError, ValueError):
    """A SoKD setting refers to something that does not exist or cannot work."""


@MODELS.register_module()
class SoKDDistiller(ValidatedDistiller):
    """Args:
        sokd_hints: ``{hint: dict(student_recorder=..., teacher_recorder=..., connector=...,
            dam=dict(type='DistinctiveAreaModule', in_channels=..., num_classes=...),
            augmenter=dict(type='FeatureAugmenter'))}``; ``connector`` maps the student
            feature to the teacher's shape (``None`` if they already agree).
        loss_weights: ``dict(area=w_da, agreement=w_d)`` (1000 each by default).
        Everything else as mmrazor's ``ConfigurableDistiller``.
    """

    def __init__(self, sokd_hints: Dict[str, dict],
                 loss_weights: Optional[Dict[str, float]] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not sokd_hints:
            raise SoKDConfigError('SoKDDistiller needs at least one entry in sokd_hints.')
        weights = dict(area=1000.0, agreement=1000.0)
        weights.update(loss_weights or {})
        for name, value in weights.items():
            if name not in ('area', 'agreement') or isinstance(value, bool) \
                    or not isinstance(value, (int, float)) or value < 0:
                raise SoKDConfigError(f'SoKDDistiller.loss_weights: {name}={value!r}; expected '
                                      'area and agreement, numbers >= 0.')
        self.loss_weights = weights
        self.hints = {}
        self.augmenters = nn.ModuleDict()
        self.dams = nn.ModuleDict()
        for name, hint in sokd_hints.items():
            hint = dict(hint)
            for side, recorders in (('student', self.student_recorders),
                                    ('teacher', self.teacher_recorders)):
                key = hint.get(f'{side}_recorder')
                if key not in recorders.recorders:
                    raise SoKDConfigError(
                        f'sokd_hints.{name}.{side}_recorder={key!r} is not one of the '
                        f'{side}_recorders {sorted(recorders.recorders)}.')
            connector = hint.get('connector')
            if connector is not None and connector not in self.connectors:
                raise SoKDConfigError(f'sokd_hints.{name}.connector={connector!r} is not one of '
                                      f'the connectors {sorted(self.connectors)}.')
            if 'dam' not in hint:
                raise SoKDConfigError(f'sokd_hints.{name} needs a dam=dict(type='
                                      "'DistinctiveAreaModule', in_channels=..., num_classes=...)")
            self.augmenters[name] = MODELS.build(hint.pop('augmenter',
                                                          dict(type='FeatureAugmenter')))
            self.dams[name] = MODELS.build(hint.pop('dam'))
            self.hints[name] = hint
        self.magnitude_grad = False  # set by the algorithm while it searches the policy

    def draw_policies(self) -> None:
        for augmenter in self.augmenters.values():
            augmenter.draw()

    def hint_features(self, name: str):
        """(f_s, F_t): the connected student feature and the raw teacher feature of a hint."""
        hint = self.hints[name]
        student = self.get_record(hint['student_recorder'], True,
                                  data_idx=hint.get('student_data_idx'),
                                  connector=hint.get('connector'))
        teacher = self.get_record(hint['teacher_recorder'], False,
                                  data_idx=hint.get('teacher_data_idx'))
        return student, teacher

    def sokd_losses(self) -> Dict[str, torch.Tensor]:
        losses = {}
        for name in self.hints:
            student, teacher = self.hint_features(name)
            refined = self.augmenters[name](teacher.detach(), self.magnitude_grad)
            terms = self.dams[name].losses(student, refined)
            losses[f'loss_sokd_area_{name}'] = self.loss_weights['area'] * terms['area']
            losses[f'loss_sokd_agreement_{name}'] = \
                self.loss_weights['agreement'] * terms['agreement']
        return losses

    def compute_distill_losses(self) -> Dict[str, torch.Tensor]:
        losses = super().compute_distill_losses()
        losses.update(self.sokd_losses())
        return losses
