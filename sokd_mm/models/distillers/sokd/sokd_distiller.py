"""SoKDDistiller: the base method's distillation plus SoKD's terms at chosen hint points.

For each hint ``h`` (docs/en/methods.md 2.3)::

    f_s = connector(F_s)      F~_t = augmenter_h(F_t)      (F_s, F_t from named recorders)
    L += w_da * L_DA(f_s, F~_t) + w_d * L_D(f_s, F~_t) [+ w_h * L_H]    (DAM_h)

``DAM_h`` is the authors' ``DistinctiveAreaModule`` (dam.py), our ``LiveDistinctiveAreaModule``
(live_dam.py, adds the heatmap term L_H) or ``WholeMapArea`` (the DAM-off ablation). Each
hint also logs the DAM's diagnostics (``sokd_dam_dead_h``, ``sokd_dam_hm_std_h``,
``sokd_dam_first_k_h``: see ``dam_diagnostics``); they are not part of the loss.

The base method's ``distill_losses`` and ``loss_forward_mappings`` run unchanged, except a base
loss that reads the same recorders as a SoKD hint (FitNet's plain hint loss): L_DA replaces it
(the paper's SoKD-FitNet) unless ``keep_base_hint=True``. Any recorder mmrazor offers can be a
hint point.
"""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmrazor.registry import MODELS

from ..validated_distiller import ValidatedDistiller
from .dam import DAMConfigError
from sokd_mm.errors import SokdError


class SoKDConfigError(SokdError, ValueError):
    """A SoKD setting refers to something that does not exist or cannot work."""


def base_hint_losses(sokd_hints: Dict[str, dict], mappings: Optional[Dict]) -> List[str]:
    """The base losses whose inputs come from the recorders of a SoKD hint."""
    hint_records = {(True, h.get('student_recorder')) for h in sokd_hints.values()} | \
        {(False, h.get('teacher_recorder')) for h in sokd_hints.values()}
    return [loss for loss, inputs in (mappings or {}).items()
            if any((spec.get('from_student'), spec.get('recorder')) in hint_records
                   for spec in inputs.values() if isinstance(spec, dict))]


@MODELS.register_module()
class SoKDDistiller(ValidatedDistiller):
    """Args:
        sokd_hints: ``{hint: dict(student_recorder=..., teacher_recorder=..., connector=...,
            dam=dict(type='DistinctiveAreaModule', in_channels=..., num_classes=...),
            augmenter=dict(type='FeatureAugmenter'))}``; ``connector`` maps the student
            feature to the teacher's shape (``None`` if they already agree);
            ``augmenter=None`` turns the augmentation off (ablation: F~_t = F_t).
        loss_weights: ``dict(area=w_da, agreement=w_d, heatmap=w_h)`` (1000, 1000, 1).
        augmented_teacher_recorders: ``{teacher_recorder: augmenter cfg}``: teacher records
            that the base method's own losses read through an augmenter (SoKD-ReviewKD as the
            authors run it: every teacher level augmented, no DAM, ``sokd_hints`` empty).
        keep_base_hint: ``False`` (default): a base loss reading a SoKD hint's recorders
            (FitNet's plain hint) is dropped, L_DA replaces it; ``True`` keeps both.
        Everything else as mmrazor's ``ConfigurableDistiller``.
    """

    def __init__(self, sokd_hints: Optional[Dict[str, dict]] = None,
                 loss_weights: Optional[Dict[str, float]] = None,
                 augmented_teacher_recorders: Optional[Dict[str, dict]] = None,
                 keep_base_hint: bool = False, **kwargs) -> None:
        sokd_hints = sokd_hints or {}
        if not keep_base_hint:
            for loss in base_hint_losses(sokd_hints, kwargs.get('loss_forward_mappings')):
                print_log(f'SoKD: the base loss {loss!r} reads the features of a SoKD hint; '
                          'L_DA replaces it (keep both with keep_base_hint=True, '
                          'sokd_settings(replaces_hint_loss=False)).', logger='current')
                kwargs['distill_losses'] = {
                    k: v for k, v in kwargs['distill_losses'].items() if k != loss}
                kwargs['loss_forward_mappings'] = {
                    k: v for k, v in kwargs['loss_forward_mappings'].items() if k != loss}
        super().__init__(**kwargs)
        augmented_teacher_recorders = augmented_teacher_recorders or {}
        if not sokd_hints and not augmented_teacher_recorders:
            raise SoKDConfigError('SoKDDistiller needs at least one entry in sokd_hints (or in '
                                  'augmented_teacher_recorders).')
        weights = dict(area=1000.0, agreement=1000.0, heatmap=1.0)
        weights.update(loss_weights or {})
        for name, value in weights.items():
            if name not in ('area', 'agreement', 'heatmap') or isinstance(value, bool) \
                    or not isinstance(value, (int, float)) or value < 0:
                raise SoKDConfigError(f'SoKDDistiller.loss_weights: {name}={value!r}; expected '
                                      'area, agreement and heatmap, numbers >= 0.')
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
            augmenter = hint.pop('augmenter', dict(type='FeatureAugmenter'))
            if augmenter is not None:
                self.augmenters[name] = MODELS.build(augmenter)
            self.dams[name] = MODELS.build(hint.pop('dam'))
            self.hints[name] = hint
        self.augmented_records = {}
        for recorder, augmenter in augmented_teacher_recorders.items():
            if recorder not in self.teacher_recorders.recorders:
                raise SoKDConfigError(
                    f'augmented_teacher_recorders: {recorder!r} is not one of the '
                    f'teacher_recorders {sorted(self.teacher_recorders.recorders)}.')
            key = f'record_{recorder}'
            self.augmenters[key] = MODELS.build(augmenter or dict(type='FeatureAugmenter'))
            self.augmented_records[recorder] = key
        self.magnitude_grad = False  # set by the algorithm while it searches the policy
        # Off during the search's virtual evaluations, whose diagnostics nobody reads.
        self.diagnostics = True

    def draw_policies(self) -> None:
        for augmenter in self.augmenters.values():
            augmenter.draw()

    def hint_features(self, name: str):
        """(f_s, F_t): the connected student feature and the raw teacher feature of a hint."""
        hint = self.hints[name]
        student = self.get_record(hint['student_recorder'], True,
                                  data_idx=hint.get('student_data_idx'),
                                  connector=hint.get('connector'))
        teacher = super().get_record(hint['teacher_recorder'], False,
                                     data_idx=hint.get('teacher_data_idx'))
        return student, teacher

    def get_record(self, recorder: str, from_student: bool, *args, **kwargs):
        """A record as mmrazor returns it; teacher records listed in
        ``augmented_teacher_recorders`` pass through their augmenter first."""
        record = super().get_record(recorder, from_student, *args, **kwargs)
        if not from_student and recorder in self.augmented_records:
            augmenter = self.augmenters[self.augmented_records[recorder]]
            if isinstance(record, (tuple, list)):  # e.g. a neck's tuple output
                return type(record)(augmenter(r.detach(), self.magnitude_grad) for r in record)
            record = augmenter(record.detach(), self.magnitude_grad)
        return record

    def sokd_losses(self) -> Dict[str, torch.Tensor]:
        losses = {}
        for name in self.hints:
            student, teacher = self.hint_features(name)
            refined = teacher.detach()
            if name in self.augmenters:
                refined = self.augmenters[name](refined, self.magnitude_grad)
            try:
                terms = self.dams[name].losses(student, refined, self.diagnostics)
            except DAMConfigError as error:  # the DAM does not know where it sits in the config
                raise DAMConfigError(f'model.distiller.sokd_hints.{name}.dam: {error} (known '
                                     'only from the first feature, so at the first step)'
                                     ) from None
            for term, value in terms['losses'].items():
                losses[f'loss_sokd_{term}_{name}'] = self.loss_weights[term] * value
            for key, value in terms['diagnostics'].items():
                losses[f'sokd_dam_{key}_{name}'] = value
        return losses

    def compute_distill_losses(self) -> Dict[str, torch.Tensor]:
        losses = super().compute_distill_losses()
        losses.update(self.sokd_losses())
        return losses
