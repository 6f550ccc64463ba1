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

from ..validated_distiller import ValidatedDistiller
from .dam import DAMConfigError
from sokd_mm.errors import SokdError
from sokd_mm.registry import DISTILL_MODELS


class SoKDConfigError(SokdError, ValueError):
    """A SoKD setting refers to something that does not exist or cannot work."""


# Loss weights per DAM mode, the one source of SoKD's defaults. 'reference': the authors'
# w_da = w_d = 1000 over mean-reduced MSEs. 'live' (ours): L_DA is mass-normalised, so
# w_da = 100 is FitNet's hint weight on the selected areas; its bounded agreement and heatmap
# terms take small weights. 'off' (ablation): L_DA over the whole map at FitNet's weight.
DEFAULT_WEIGHTS = dict(reference=dict(area=1000.0, agreement=1000.0),
                       live=dict(area=100.0, agreement=10.0, heatmap=1.0),
                       off=dict(area=100.0))
DAM_MODES = tuple(DEFAULT_WEIGHTS)


def base_hint_losses(hints: Dict[str, Optional[str]], mappings: Optional[Dict]) -> List[str]:
    """The base losses whose inputs come from the recorders of a SoKD hint."""
    return [loss for loss, inputs in (mappings or {}).items()
            if any(spec.get('recorder') in hints
                   for spec in inputs.values() if isinstance(spec, dict))]


@DISTILL_MODELS.register_module()
class SoKDDistiller(ValidatedDistiller):
    """Every SoKD option is a field of ``model.distiller``, so a SoKD child config inherits its
    base's recorders and connectors and ``--cfg-options model.distiller.dam=live`` works.

    Args:
        hints: ``{recorder: connector}``: each hint point, named by the student and teacher
            recorder that share that name, and the connector mapping the student feature onto
            the teacher's shape (``None`` if they already agree).
        dam: ``'reference'`` (the authors' ``DistinctiveAreaModule``), ``'live'``
            (``LiveDistinctiveAreaModule``, ours) or ``'off'`` (``WholeMapArea``: L_DA over
            the whole map, the ablation).
        num_classes: heatmap channels K of the reference DAM (``SoKDDistill`` fills it from
            the student's head); topk: number of areas k.
        in_channels: the teacher feature's channels (default: the connector's
            ``teacher_shape[0]``).
        box_rule: the reference DAM's box rule (``'reference'``: the authors' truncated
            corners; ``'ours'``: every box holds its peak); area_mix: the live DAM's share of
            L_DA on the areas (1: areas only).
        augment: ``False`` turns the learnable augmentation off (ablation: F~_t = F_t; set
            ``model.search_epochs=0`` too); ops: the ops the policy may choose (``'all'``,
            ``'spatial'``, ``'channel'`` or a list of names); op_set: ``'reference'`` (the
            authors' ops) or ``'ours'`` (per-image draws); see ``FeatureAugmenter``.
        area_weight, agreement_weight, heatmap_weight: w_da, w_d, w_h (``None``: the DAM
            mode's ``DEFAULT_WEIGHTS``).
        augmented_teacher_recorders: ``{teacher_recorder: augmenter cfg}``: teacher records
            that the base method's own losses read through an augmenter (SoKD-ReviewKD as the
            authors run it: every teacher level augmented, no DAM, ``hints`` empty).
        keep_base_hint: ``False`` (default): a base loss reading a SoKD hint's recorders
            (FitNet's plain hint) is dropped, L_DA replaces it; ``True`` keeps both.
        Everything else as mmrazor's ``ConfigurableDistiller``.
    """

    def __init__(self, hints: Optional[Dict[str, Optional[str]]] = None,
                 dam: str = 'reference', num_classes: Optional[int] = None, topk: int = 8,
                 in_channels: Optional[int] = None, box_rule: str = 'reference',
                 area_mix: float = 1.0, augment: bool = True, ops='all',
                 op_set: str = 'reference', area_weight: Optional[float] = None,
                 agreement_weight: Optional[float] = None,
                 heatmap_weight: Optional[float] = None,
                 augmented_teacher_recorders: Optional[Dict[str, dict]] = None,
                 keep_base_hint: bool = False, **kwargs) -> None:
        hints = dict(hints or {})
        if not keep_base_hint:
            for loss in base_hint_losses(hints, kwargs.get('loss_forward_mappings')):
                print_log(f'SoKD: the base loss {loss!r} reads the features of a SoKD hint; '
                          'L_DA replaces it (keep both with model.distiller.keep_base_hint='
                          'True).', logger='current')
                kwargs['distill_losses'] = {
                    k: v for k, v in kwargs['distill_losses'].items() if k != loss}
                kwargs['loss_forward_mappings'] = {
                    k: v for k, v in kwargs['loss_forward_mappings'].items() if k != loss}
        super().__init__(**kwargs)
        augmented_teacher_recorders = augmented_teacher_recorders or {}
        if not hints and not augmented_teacher_recorders:
            raise SoKDConfigError('SoKDDistiller needs at least one entry in hints (or in '
                                  'augmented_teacher_recorders).')
        self.loss_weights = self._weights(dam, area_weight, agreement_weight, heatmap_weight)
        self.hints = {}
        self.augmenters = nn.ModuleDict()
        self.dams = nn.ModuleDict()
        for name, connector in hints.items():
            for side, recorders in (('student', self.student_recorders),
                                    ('teacher', self.teacher_recorders)):
                if name not in recorders.recorders:
                    raise SoKDConfigError(
                        f'model.distiller.hints: {name!r} is not one of the {side}_recorders '
                        f'{sorted(recorders.recorders)}.')
            if connector is not None and connector not in self.connectors:
                raise SoKDConfigError(f'model.distiller.hints.{name}={connector!r} is not one '
                                      f'of the connectors {sorted(self.connectors)}.')
            channels = in_channels
            if channels is None and connector is not None:
                channels = getattr(self.connectors[connector], 'teacher_shape', (None, ))[0]
            if channels is None:
                raise SoKDConfigError(f'model.distiller.hints.{name}: the DAM needs the teacher '
                                      "feature's channels: set model.distiller.in_channels.")
            if augment:
                self.augmenters[name] = DISTILL_MODELS.build(dict(type='FeatureAugmenter',
                                                          op_set=op_set, ops=ops))
            self.dams[name] = DISTILL_MODELS.build(self._dam_cfg(dam, channels, num_classes, topk,
                                                         box_rule, area_mix))
            self.hints[name] = dict(student_recorder=name, teacher_recorder=name,
                                    connector=connector)
        self.augmented_records = {}
        for recorder, augmenter in augmented_teacher_recorders.items():
            if recorder not in self.teacher_recorders.recorders:
                raise SoKDConfigError(
                    f'augmented_teacher_recorders: {recorder!r} is not one of the '
                    f'teacher_recorders {sorted(self.teacher_recorders.recorders)}.')
            key = f'record_{recorder}'
            self.augmenters[key] = DISTILL_MODELS.build(augmenter or dict(type='FeatureAugmenter'))
            self.augmented_records[recorder] = key
        self.magnitude_grad = False  # set by the algorithm while it searches the policy
        # Off during the search's virtual evaluations, whose diagnostics nobody reads.
        self.diagnostics = True

    @staticmethod
    def _weights(dam: str, area, agreement, heatmap) -> Dict[str, float]:
        if dam not in DAM_MODES:
            raise SoKDConfigError(f'model.distiller.dam must be one of {DAM_MODES}, got {dam!r}')
        # Weights of terms a DAM mode does not have are never read.
        weights = dict(area=1000.0, agreement=1000.0, heatmap=1.0)
        weights.update(DEFAULT_WEIGHTS[dam])
        for name, value in (('area', area), ('agreement', agreement), ('heatmap', heatmap)):
            if value is None:
                continue
            if name not in DEFAULT_WEIGHTS[dam]:
                raise SoKDConfigError(f'model.distiller.{name}_weight does not apply to '
                                      f'dam={dam!r}: leave it unset.')
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise SoKDConfigError(f'model.distiller.{name}_weight={value!r}; expected a '
                                      'number >= 0.')
            weights[name] = float(value)
        return weights

    @staticmethod
    def _dam_cfg(dam: str, channels: int, num_classes, topk: int, box_rule: str,
                 area_mix: float) -> dict:
        if dam == 'reference':
            if num_classes is None:
                raise SoKDConfigError("dam='reference' needs model.distiller.num_classes (the "
                                      "heatmap's channels, the dataset's classes).")
            return dict(type='DistinctiveAreaModule', in_channels=channels,
                        num_classes=num_classes, topk=topk, box_rule=box_rule)
        if dam == 'live':
            return dict(type='LiveDistinctiveAreaModule', in_channels=channels, topk=topk,
                        area_mix=area_mix)
        return dict(type='WholeMapArea', in_channels=channels)

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
                raise DAMConfigError(f'model.distiller.in_channels (hint {name!r}): {error} (known '
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
