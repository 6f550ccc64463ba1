"""The feature ops of ``feature_ops.py`` applied without the host knowing which op was drawn.

With ``FeatureAugmenter(sampling='device')`` (the fast runtime's setting) the drawn sub-policy,
its bits and magnitudes stay on the model's device. A Python ``if`` on them would make the host
wait for the device every iteration, so each of the two op slots is applied branch-free from
the op table: every op's random draws are made on the device, and ``torch.where`` keeps the
drawn op's result (or the input, when the op is not applied or is the identity at its value).
Unselected parts are exact identities (a gather by the identity permutation, ``where`` picking
the input), so given the same random draws the result equals ``apply_op`` bit for bit;
``tests/test_models/test_distillers/test_device_ops.py`` checks every op in both op sets. The
cost is one grid sample and a few element-wise passes per slot whether or not the op applies:
negligible next to a network on a GPU.

Magnitudes are mapped into their ranges in float64 from the same numbers as ``apply_op``
(``low + m * (high - low)``), so the values match Python's arithmetic.
"""
from typing import Tuple

import torch
import torch.nn.functional as F

from .feature_ops import OP_NAMES, OPS, affine_matrix

GEOMETRIC = tuple(name for name in OP_NAMES if OPS['ours'][name].kind == 'affine')
assert OP_NAMES[:len(GEOMETRIC)] == GEOMETRIC  # op ids 0-4 are the affine ops
# the order a slot draws and applies in: permutations, the warp, then the other ops
_OTHERS = tuple(name for name in OP_NAMES if name not in GEOMETRIC)
SLOT_ORDER = tuple(sorted(_OTHERS, key=lambda n: OPS['ours'][n].kind != 'permute'))


def op_ranges(op_set: str) -> torch.Tensor:
    """(9, 2) float64 (low, high) of each op, stored as int64 bit patterns so that
    ``module.float()`` / ``.half()`` leave them exact; read with ``.view(torch.float64)``."""
    ops = OPS[op_set]
    ranges = torch.tensor([(ops[name].low, ops[name].high) for name in OP_NAMES],
                          dtype=torch.float64)
    return ranges.view(torch.int64)


def _warp(x: torch.Tensor, v: torch.Tensor, geometric: torch.Tensor, op: torch.Tensor,
          op_set: str) -> torch.Tensor:
    """``x`` warped by the drawn geometric op's matrix (the identity's when none is)."""
    b, c, h, w = x.shape
    candidates = [affine_matrix(OPS[op_set][name], v, h, w) for name in GEOMETRIC]
    candidates.append(torch.eye(2, 3, dtype=torch.float64, device=v.device))
    choice = torch.where(geometric, op, len(GEOMETRIC)).view(1)
    theta = torch.stack(candidates).index_select(0, choice).to(x.dtype)
    grid = F.affine_grid(theta.expand(b, 2, 3), [b, c, h, w], align_corners=False)
    moved = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    return torch.where(geometric, moved, x)


def apply_slot(x: torch.Tensor, op: torch.Tensor, magnitude: torch.Tensor,
               applied: torch.Tensor, gen: torch.Generator, op_set: str,
               ranges: torch.Tensor) -> torch.Tensor:
    """``apply_op(OP_NAMES[op], x, magnitude)`` if ``applied`` else ``x``, with ``op``,
    ``magnitude`` (in [0, 1]) and ``applied`` 0-dim tensors on ``x``'s device; all random draws
    come from ``gen`` (a generator on that device) in ``SLOT_ORDER``."""
    h, w = x.shape[2:]
    low, high = ranges.view(torch.float64).index_select(0, op.view(1))[0].unbind()
    v = low + magnitude.detach().double() * (high - low)
    y, warped = x, False
    for name in SLOT_ORDER:
        spec = OPS[op_set][name]
        if spec.kind != 'permute' and not warped:  # the warp comes after the permutations
            y, warped = _warp(y, v, applied & (op < len(GEOMETRIC)), op, op_set), True
        chosen = applied & (op == OP_NAMES.index(name))
        if spec.identity is not None:
            chosen = chosen & ~spec.identity(v, h, w)
        drawn = spec.make(x, v, gen)
        if spec.kind == 'permute':
            y = y.index_select(1, torch.where(chosen, drawn,
                                              torch.arange(x.shape[1], device=x.device)))
        elif spec.kind == 'noise':
            y = torch.where(chosen, y + v.to(x.dtype) * drawn, y)
        else:
            y = torch.where(chosen, y * drawn, y)
    return y


def slot_ops(op_table: torch.Tensor, choice: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """The two op ids of sub-policy ``choice`` (0-dim tensor) from the (n, 2) ``op_table``."""
    return op_table.index_select(0, choice.view(1))[0].unbind()
