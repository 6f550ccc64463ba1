"""A DAM that stays alive (our addition, docs/en/methods.md 2.2 "[choice, ours]"), and the DAM-off
ablation.

Why: the authors' DAM (``dam.py``) has no target for its heatmap. Under the agreement loss at
weight 1000 its ReLU-ended heads die within a few iterations (heatmap = sigmoid(0) everywhere,
sizes and offsets 0) and top-k returns the first k flat positions: L_DA becomes a fixed
top-row hint. ``LiveDistinctiveAreaModule`` changes three things, each against one cause:

1. **A target for the heatmap.** A single class-agnostic heatmap channel is fitted by binary
   cross-entropy to the refined teacher feature's spatial attention,
   ``A_t = mean_c(F~_t^2) / max_hw mean_c(F~_t^2)`` (per image, in [0, 1]; detached), on the
   teacher side. A flat heatmap is not a minimiser unless the teacher's attention is flat,
   so areas differ between images and follow what the teacher's hint layer responds to::

       L_H = BCE(hm_logits(F~_t), A_t)

2. **Bounded heads.** No final ReLU (nothing to die); heatmap = sigmoid(logits), box sizes =
   sigmoid(.) x map size (initialised to a quarter of the map), offsets = sigmoid(.) in
   [0, 1). The agreement loss compares these bounded outputs, with sizes divided by the map
   size, so it cannot blow up::

       L_D = MSE(cat(hm, wh / (W, H), off)(f_s), cat(hm, wh / (W, H), off)(F~_t))

3. **A mask normalised by its mass.** Per image ``W = M / mean_hw(M)``, so L_DA equals
   FitNet's MSE when the areas cover the map, whatever k, H, W or the box overlaps::

       L_DA = mean(W * (f_s - F~_t)^2)

The areas come, as in the reference, from the student's heatmap (3x3 NMS, top-k peaks, boxes
from the size and offset heads). Measured behaviour (digits, ResNet20 -> ResNet8): see the
docs/en/user_guides/sokd.md and ``tests/test_models/test_distillers/test_live_dam.py``.
"""
import math
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .dam import (DAMConfigError, check_channels, check_same_shape, dam_diagnostics,
                  select_areas)
from .pair_conv import run_heads
from sokd_mm.registry import DISTILL_MODELS


def _bounded_head(channels: int, out: int, bias: float = 0.0) -> nn.Sequential:
    head = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(channels, out, 1))
    nn.init.constant_(head[-1].bias, bias)
    return head


def teacher_attention(feature: torch.Tensor) -> torch.Tensor:
    """B x 1 x H x W spatial attention of a feature, scaled per image to a maximum of 1."""
    energy = feature.detach().pow(2).mean(dim=1, keepdim=True)
    return energy / energy.flatten(1).amax(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)


def mass_normalised_mse(student: torch.Tensor, teacher: torch.Tensor,
                        mask: torch.Tensor, mix: float = 1.0) -> torch.Tensor:
    """mean(W * (f_s - F~_t)^2) with ``W = (1 - mix) + mix * M / mean_hw(M)``: FitNet's MSE
    when M covers the map or ``mix = 0``; ``mix = 1`` confines the hint to the areas."""
    weight = mask / mask.flatten(1).mean(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
    if mix != 1.0:
        weight = (1.0 - mix) + mix * weight
    return (weight * (student - teacher).pow(2)).mean()


@DISTILL_MODELS.register_module()
class LiveDistinctiveAreaModule(nn.Module):
    """Args:
        in_channels: C of the (teacher-shaped) hint feature.
        topk: number of areas k (8).
        initial_box_fraction: initial box side as a fraction of the map (0.25).
        area_mix: share of L_DA's weight on the areas (1: the areas only; 0.5: half the weight
            spread over the whole map, half on the areas, so the areas are emphasised and
            the rest of the map still transfers; see ``mass_normalised_mse``).
    """

    def __init__(self, in_channels: int, topk: int = 8,
                 initial_box_fraction: float = 0.25, area_mix: float = 1.0) -> None:
        super().__init__()
        if isinstance(area_mix, bool) or not isinstance(area_mix, (int, float)) \
                or not 0 <= area_mix <= 1:
            raise DAMConfigError(f'LiveDistinctiveAreaModule: area_mix must be in [0, 1], got '
                                 f'{area_mix!r}')
        self.area_mix = float(area_mix)
        for name, value in (('in_channels', in_channels), ('topk', topk)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise DAMConfigError(f'LiveDistinctiveAreaModule: {name} must be a positive '
                                     f'integer, got {value!r}')
        if not 0 < initial_box_fraction < 1:
            raise DAMConfigError('LiveDistinctiveAreaModule: initial_box_fraction must be in '
                                 f'(0, 1), got {initial_box_fraction!r}')
        self.in_channels, self.topk = in_channels, topk
        self.heatmap_head = _bounded_head(in_channels, 1)
        frac = float(initial_box_fraction)
        self.size_head = _bounded_head(in_channels, 2, bias=math.log(frac / (1 - frac)))
        self.offset_head = _bounded_head(in_channels, 2)

    def forward(self, feature: torch.Tensor,
                pair: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """The heads' outputs for ``feature``, or for ``cat([feature, pair])`` as one batch
        (``run_heads``: no input gradient for a half that does not require one)."""
        check_channels(self, feature)
        h, w = feature.shape[-2:]
        logits, size, offset = run_heads((self.heatmap_head, self.size_head, self.offset_head),
                                         feature, pair)
        size_fraction = torch.sigmoid(size)
        # Scaled by Python numbers: a tensor of (w, h) would be a host-to-device copy per step.
        wh = torch.cat([size_fraction[:, :1] * w, size_fraction[:, 1:] * h], 1)
        return dict(heatmap_logits=logits, heatmap=torch.sigmoid(logits),
                    size_fraction=size_fraction, wh=wh,
                    offset=torch.sigmoid(offset))

    def losses(self, student: torch.Tensor, teacher: torch.Tensor,
               with_diagnostics: bool = True) -> Dict[str, dict]:
        """``dict(losses=dict(area, agreement, heatmap), mask=M, diagnostics=...)``."""
        check_same_shape(student, teacher)
        n = len(student)
        both = self(student, teacher)
        # split, not two slices: see DistinctiveAreaModule.losses.
        agreement = F.mse_loss(*torch.cat([both['heatmap'], both['size_fraction'],
                                           both['offset']], 1).split(n))
        heatmap = F.binary_cross_entropy_with_logits(both['heatmap_logits'][n:],
                                                     teacher_attention(teacher))
        with torch.no_grad():
            mask, index = select_areas(both['heatmap'][:n], both['wh'][:n],
                                       both['offset'][:n], self.topk)
            diagnostics = (dam_diagnostics(both['heatmap'][:n], index) if with_diagnostics
                           else {})
        area = mass_normalised_mse(student, teacher, mask, self.area_mix)
        return dict(losses=dict(area=area, agreement=agreement, heatmap=heatmap), mask=mask,
                    diagnostics=diagnostics)


@DISTILL_MODELS.register_module()
class WholeMapArea(nn.Module):
    """The "DAM off" ablation: no detector, L_DA over the whole map (plain MSE, FitNet's hint
    loss on the refined teacher feature) and no agreement term.

    Args:
        in_channels: accepted for config symmetry with the DAMs; checked against features.
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.in_channels = in_channels

    def losses(self, student: torch.Tensor, teacher: torch.Tensor,
               with_diagnostics: bool = True) -> Dict[str, dict]:
        check_same_shape(student, teacher)
        mask = torch.ones_like(student[:, :1])
        return dict(losses=dict(area=F.mse_loss(student, teacher)), mask=mask, diagnostics={})
