"""Distinctive Area Detection Module (DAM) of SoKD (docs/en/methods.md 2.2).

A CenterNet-style detector shared by student and teacher features (C channels), three heads of
conv 3x3 (C -> C) + ReLU + conv 1x1 + ReLU: heatmap (K channels, then sigmoid), size (w, h in
cells) and offset (sub-cell x, y). From the student's heatmap, 3x3 max-pool NMS and the top-k
peaks over all channels and positions give k boxes (centre = peak cell + offset, size = wh,
clamped to the map); the mask M (B x 1 x H x W) is the sum of their indicator maps::

    L_D  = MSE(cat(hm, wh, off)(f_s), cat(hm, wh, off)(F~_t))       agreement ("mutual interest")
    L_DA = MSE(f_s * M, F~_t * M)                                    area-confined transfer

Box rules (``BOX_RULES``), per axis, for a centre ``c`` (peak cell + offset) and size ``s``:

- ``'reference'`` (the authors' ``area_utils.py``): the corners ``c - s/2`` and ``c + s/2`` are
  clamped to ``[0, ...)`` and ``(..., size - 1]``, truncated with ``int()`` and both edges are
  included: cells ``int(lo) <= j <= int(hi)``. With offsets above one cell a box can miss its
  own peak cell, or be empty when the clamped left corner passes the right one.
- ``'ours'``: cells ``floor(c - s/2) <= j < ceil(c + s/2)``, clamped to the map and always
  stretched over the peak cell, so every box holds at least its peak.
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .pair_conv import run_heads
from sokd_mm.errors import SokdError
from sokd_mm.registry import DISTILL_MODELS


class DAMConfigError(SokdError, ValueError):
    """A DAM setting does not fit the feature map."""


def _head(channels: int, out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(channels, out, 1), nn.ReLU(inplace=True))


BOX_RULES = ('reference', 'ours')


def box_bounds(centre: torch.Tensor, size: torch.Tensor, peak: torch.Tensor,
               limit: int, rule: str = 'ours') -> Tuple[torch.Tensor, torch.Tensor]:
    """Integer cell range [lo, hi) of boxes along one axis (see module doc); ``lo >= hi`` is an
    empty box."""
    if rule == 'reference':
        # Heads end in a ReLU, so corners are >= 0 and truncation is the floor.
        lo = torch.trunc((centre - size / 2).clamp(min=0)).long()
        hi = torch.trunc((centre + size / 2).clamp(max=limit - 1)).long() + 1
        return lo, hi
    lo = torch.floor(centre - size / 2).long().clamp(0, limit - 1)
    hi = torch.ceil(centre + size / 2).long().clamp(1, limit)
    return torch.minimum(lo, peak), torch.maximum(hi, peak + 1)


def local_max_3x3(x: torch.Tensor) -> torch.Tensor:
    """``F.max_pool2d(x, 3, stride=1, padding=1)``, exactly, as two 1-D passes of shifted
    maxima: PyTorch's CPU max-pool (it also computes argmax indices) takes 15x longer on the
    100-channel heatmaps of the CIFAR pairs, the largest single cost of a SoKD step there."""
    p = F.pad(x, (1, 1, 1, 1), value=float('-inf'))
    rows = torch.maximum(torch.maximum(p[..., :-2], p[..., 1:-1]), p[..., 2:])
    return torch.maximum(torch.maximum(rows[..., :-2, :], rows[..., 1:-1, :]), rows[..., 2:, :])


def select_areas(heatmap: torch.Tensor, wh: torch.Tensor, offset: torch.Tensor,
                 topk: int, rule: str = 'ours') -> Tuple[torch.Tensor, torch.Tensor]:
    """``(mask, index)``: the B x 1 x H x W sum of the top-k boxes' indicator maps, built
    without Python loops, and the B x k flat (channel, y, x) indices of the selected peaks;
    ``rule``: the box rule (module doc)."""
    b, k_cls, h, w = heatmap.shape
    if topk > h * w:
        raise DAMConfigError(f'DAM topk={topk} is larger than the {h} x {w} hint feature map: '
                             'lower topk or choose a larger hint feature map.')
    peaks = heatmap * (local_max_3x3(heatmap) == heatmap)
    _, index = peaks.flatten(1).topk(topk, dim=1)                  # B x k
    pos = index % (h * w)
    ys, xs = pos // w, pos % w
    flat = lambda t: t.flatten(2).gather(2, pos.unsqueeze(1).expand(-1, 2, -1))  # noqa: E731
    size, off = flat(wh), flat(offset)                              # B x 2 x k
    x_lo, x_hi = box_bounds(xs + off[:, 0], size[:, 0], xs, w, rule)
    y_lo, y_hi = box_bounds(ys + off[:, 1], size[:, 1], ys, h, rule)
    grid_x = torch.arange(w, device=heatmap.device).view(1, 1, 1, w)
    grid_y = torch.arange(h, device=heatmap.device).view(1, 1, h, 1)
    in_x = (grid_x >= x_lo[..., None, None]) & (grid_x < x_hi[..., None, None])
    in_y = (grid_y >= y_lo[..., None, None]) & (grid_y < y_hi[..., None, None])
    return (in_x & in_y).sum(dim=1, keepdim=True).to(heatmap.dtype), index


def area_mask(heatmap: torch.Tensor, wh: torch.Tensor, offset: torch.Tensor,
              topk: int, rule: str = 'ours') -> torch.Tensor:
    """The B x 1 x H x W sum of the top-k boxes' indicator maps (see ``select_areas``)."""
    return select_areas(heatmap, wh, offset, topk, rule)[0]


def dam_diagnostics(heatmap: torch.Tensor, index: torch.Tensor) -> Dict[str, torch.Tensor]:
    """What shows whether a DAM detects anything (logged per hint, never part of the loss):

    - ``dead``: fraction of heatmap values at sigmoid(0) = 0.5, i.e. heads whose final ReLU
      outputs 0 (the reference DAM's collapse);
    - ``hm_std``: spatial standard deviation of the heatmap, averaged over images and
      channels (0 for a flat heatmap);
    - ``first_k``: fraction of the selected areas that are among the first k flat positions,
      which is what top-k returns on a flat heatmap (channel 0, top row).
    """
    k = index.shape[1]
    # Two-pass standard deviation: torch.std over a short last dimension is 15x slower on the
    # CPU; the value agrees to float rounding (a diagnostic, not part of any loss).
    flat = heatmap.flatten(2)
    centred = flat - flat.mean(dim=2, keepdim=True)
    hm_std = (centred.pow(2).sum(dim=2) / max(flat.shape[2] - 1, 1)).sqrt().mean()
    return dict(dead=((heatmap - 0.5).abs() < 1e-6).float().mean(), hm_std=hm_std,
                first_k=(index < k).float().mean())


def check_channels(dam: nn.Module, feature: torch.Tensor) -> None:
    if feature.shape[1] != dam.in_channels:
        raise DAMConfigError(f'{type(dam).__name__} expects {dam.in_channels}-channel features '
                             f'(the teacher hint), got {feature.shape[1]}; set its in_channels '
                             f'to {feature.shape[1]}, the teacher feature channels.')


def check_same_shape(student: torch.Tensor, teacher: torch.Tensor) -> None:
    if student.shape != teacher.shape:
        raise DAMConfigError(
            f'SoKD hint features differ in shape after the connector: student '
            f'{tuple(student.shape[1:])} vs teacher {tuple(teacher.shape[1:])}. Configure '
            'the connector to map the student feature onto the teacher shape.')


@DISTILL_MODELS.register_module()
class DistinctiveAreaModule(nn.Module):
    """The authors' DAM, faithfully (its heads collapse under L_D at the reference weights:
    see ``dam_diagnostics`` and docs/en/user_guides/sokd.md).

    Args:
        in_channels: C of the (teacher-shaped) hint feature.
        num_classes: K heatmap channels (number of classes by default in the configs).
        topk: number of areas k (8).
        box_rule: ``'reference'`` (the authors' corner truncation) or ``'ours'`` (every box
            holds its peak cell); see the module doc.
    """

    def __init__(self, in_channels: int, num_classes: int, topk: int = 8,
                 box_rule: str = 'reference') -> None:
        super().__init__()
        if box_rule not in BOX_RULES:
            raise DAMConfigError(f'DistinctiveAreaModule: box_rule must be one of {BOX_RULES}, '
                                 f'got {box_rule!r}')
        self.box_rule = box_rule
        for name, value in (('in_channels', in_channels), ('num_classes', num_classes),
                            ('topk', topk)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise DAMConfigError(f'DistinctiveAreaModule: {name} must be a positive '
                                     f'integer, got {value!r}')
        self.in_channels, self.topk = in_channels, topk
        self.heatmap_head = _head(in_channels, num_classes)
        self.size_head = _head(in_channels, 2)
        self.offset_head = _head(in_channels, 2)

    def forward(self, feature: torch.Tensor,
                pair: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """The heads' outputs for ``feature``, or for ``cat([feature, pair])`` as one batch
        (``run_heads``: no input gradient for a half that does not require one)."""
        check_channels(self, feature)
        heatmap, wh, offset = run_heads((self.heatmap_head, self.size_head, self.offset_head),
                                        feature, pair)
        return dict(heatmap=torch.sigmoid(heatmap), wh=wh, offset=offset)

    def losses(self, student: torch.Tensor, teacher: torch.Tensor,
               with_diagnostics: bool = True) -> Dict[str, torch.Tensor]:
        """L_DA and L_D for the student feature (teacher-shaped) and refined teacher feature:
        ``dict(losses=dict(area=..., agreement=...), mask=M, diagnostics=...)``; the
        diagnostics are left out (empty) with ``with_diagnostics=False``."""
        check_same_shape(student, teacher)

        # One pass over both features (same weights): fewer, larger convolutions. The halves
        # are taken with split, whose backward concatenates the two gradients (two slices
        # would each fill a zero tensor of the full size and add them: same values, more work).
        both = self(student, teacher)
        n = len(student)
        out_s = {k: v[:n] for k, v in both.items()}
        student_out, teacher_out = torch.cat([both['heatmap'], both['wh'], both['offset']],
                                             1).split(n)
        agreement = F.mse_loss(student_out, teacher_out)
        with torch.no_grad():
            mask, index = select_areas(out_s['heatmap'], out_s['wh'], out_s['offset'],
                                       self.topk, self.box_rule)
            diagnostics = dam_diagnostics(out_s['heatmap'], index) if with_diagnostics else {}
        area = F.mse_loss(student * mask, teacher * mask)
        return dict(losses=dict(area=area, agreement=agreement), mask=mask,
                    diagnostics=diagnostics)
