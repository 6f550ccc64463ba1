"""The feature ops of ``feature_ops.py`` applied without the host knowing which op was drawn.

With ``FeatureAugmenter(sampling='device')`` (the fast runtime's setting) the drawn sub-policy,
its bits and magnitudes stay on the model's device. A Python ``if`` on them would make the host
wait for the device every iteration, so each of the two op slots is applied branch-free: every
op's random draws are made on the device, and ``torch.where`` keeps the drawn op's result (or
the input, when the op is not applied). Unselected parts are exact identities (a gather by the
identity permutation, ``where`` picking the input), so given the same random draws the result
equals ``apply_op`` bit for bit; ``tests/test_models/test_distillers/test_device_ops.py``
checks every op in both op sets. The cost is a grid sample and a few element-wise passes per
slot whether or not the op applies: negligible next to a network on a GPU.

Magnitudes are mapped into their ranges in float64 from the same numbers as ``apply_op``
(``low + m * (high - low)``), so the values match Python's arithmetic; the affine matrices are
built in float64 and rounded to the feature's dtype as ``new_tensor`` does.
"""
import math
from typing import Tuple

import torch
import torch.nn.functional as F

from .feature_ops import OP_NAMES, OP_SETS

GEOMETRIC = ('ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate')
assert OP_NAMES[:len(GEOMETRIC)] == GEOMETRIC  # op ids 0-4 are the affine ops


def op_ranges(op_set: str) -> torch.Tensor:
    """(9, 2) float64 (low, high) of each op, stored as int64 bit patterns so that
    ``module.float()`` / ``.half()`` leave them exact; read with ``.view(torch.float64)``."""
    ranges = torch.tensor([OP_SETS[op_set][name][1:] for name in OP_NAMES], dtype=torch.float64)
    return ranges.view(torch.int64)


def _affine_candidates(v: torch.Tensor, op_set: str, h: int, w: int) -> torch.Tensor:
    """(6, 2, 3) float64: the affine matrix of each geometric op at value ``v``, then the
    identity, with the entries ``feature_ops`` builds in Python."""
    one, zero = torch.ones_like(v), torch.zeros_like(v)
    a = v * (math.pi / 180.0)  # math.radians
    cos, sin = torch.cos(a), torch.sin(a)
    if op_set == 'reference':
        tx, ty, rotation = v * h, v * w, ((cos, sin, zero), (-sin, cos, zero))
    else:
        tx, ty, rotation = 2.0 * v, 2.0 * v, ((cos, -sin, zero), (sin, cos, zero))
    rows = (((one, v, zero), (zero, one, zero)),        # ShearX
            ((one, zero, zero), (v, one, zero)),        # ShearY
            ((one, zero, tx), (zero, one, zero)),       # TranslateX
            ((one, zero, zero), (zero, one, ty)),       # TranslateY
            rotation,
            ((one, zero, zero), (zero, one, zero)))     # identity
    return torch.stack([torch.stack([torch.stack(r) for r in m]) for m in rows])


def _cutout_mask(x: torch.Tensor, v: torch.Tensor, gen: torch.Generator,
                 op_set: str) -> torch.Tensor:
    b, _, h, w = x.shape
    dev = x.device
    ys = torch.arange(h, device=dev).view(1, h, 1)
    xs = torch.arange(w, device=dev).view(1, 1, w)
    if op_set == 'reference':  # one square for the batch, corners clipped to the map
        half_h, half_w = (torch.floor(v * h).long() // 2, torch.floor(v * w).long() // 2)
        cy = torch.randint(0, h, (1, ), generator=gen, device=dev)
        cx = torch.randint(0, w, (1, ), generator=gen, device=dev)
        inside = ((ys >= (cy - half_h).clamp(0, h)) & (ys < (cy + half_h).clamp(0, h))
                  & (xs >= (cx - half_w).clamp(0, w)) & (xs < (cx + half_w).clamp(0, w)))
        return (~inside).to(x.dtype)                                   # 1 x H x W
    side = torch.round(v * min(h, w)).long()
    lo = side // 2
    cy = torch.randint(0, h, (b, 1, 1), generator=gen, device=dev)
    cx = torch.randint(0, w, (b, 1, 1), generator=gen, device=dev)
    inside = ((ys >= cy - lo) & (ys < cy - lo + side) & (xs >= cx - lo)
              & (xs < cx - lo + side))
    return (~inside).unsqueeze(1).to(x.dtype)                          # B x 1 x H x W


def apply_slot(x: torch.Tensor, op: torch.Tensor, magnitude: torch.Tensor,
               applied: torch.Tensor, gen: torch.Generator, op_set: str,
               ranges: torch.Tensor) -> torch.Tensor:
    """``apply_op(OP_NAMES[op], x, magnitude)`` if ``applied`` else ``x``, with ``op``,
    ``magnitude`` (in [0, 1]) and ``applied`` 0-dim tensors on ``x``'s device; all random draws
    come from ``gen`` (a generator on that device) in a fixed order."""
    b, c, h, w = x.shape
    dev = x.device
    low, high = ranges.view(torch.float64).index_select(0, op.view(1))[0].unbind()
    v = low + magnitude.detach().double() * (high - low)

    def is_op(name: str) -> torch.Tensor:
        return applied & (op == OP_NAMES.index(name))

    perm = torch.where(is_op('ChannelShuffle'), torch.randperm(c, generator=gen, device=dev),
                       torch.arange(c, device=dev))
    y = x.index_select(1, perm)

    geometric = applied & (op < len(GEOMETRIC))
    choice = torch.where(geometric, op, len(GEOMETRIC)).view(1)
    theta = _affine_candidates(v, op_set, h, w).index_select(0, choice).to(x.dtype)
    grid = F.affine_grid(theta.expand(b, 2, 3), [b, c, h, w], align_corners=False)
    moved = F.grid_sample(y, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    y = torch.where(geometric, moved, y)

    y = torch.where(is_op('Cutout'), y * _cutout_mask(x, v, gen, op_set), y)

    noise = torch.randn(x.shape, generator=gen, device=dev).to(x.dtype)
    y = torch.where(is_op('Noise') & (v > 0), y + v.to(x.dtype) * noise, y)

    if op_set == 'reference':  # one channel set for the batch, channel c kept when u_c > v
        keep = (torch.rand(c, generator=gen, device=dev) > v).view(1, -1, 1, 1)
    else:
        keep = torch.rand(b, c, 1, 1, generator=gen, device=dev) >= v
    return torch.where(is_op('ChannelDrop') & (v > 0), y * keep.to(x.dtype), y)


def slot_ops(op_table: torch.Tensor, choice: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """The two op ids of sub-policy ``choice`` (0-dim tensor) from the (n, 2) ``op_table``."""
    return op_table.index_select(0, choice.view(1))[0].unbind()
