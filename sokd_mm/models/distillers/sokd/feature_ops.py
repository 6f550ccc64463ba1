"""The nine differentiable-in-value feature-map operations of SoKD's augmenter
(docs/en/methods.md 2.1): one op table, one implementation per op.

Each op is a ``FeatureOp`` that says what it does to a feature map ``x`` (B x C x H x W) at a
value ``v`` (its magnitude mapped into its range, a float64 tensor): an affine warp (the 2 x 3
matrix), a mask it multiplies by, noise it adds, or a channel permutation; and, where it has
one, when it is the identity (``v = 0`` for Noise and ChannelDrop, a zero-sided square for
Cutout). Its random draws (cut-out centres, noise, permutations) come from a
``torch.Generator``, so a resumed run draws the same ones. Geometric ops resample the spatial
grid bilinearly with zero padding.

Both sampling modes use these definitions: ``apply_op`` (host sampling) applies the drawn op,
skipping an identity without drawing; ``device_ops.apply_slot`` (device sampling) applies any
op branch-free from the same definitions. Adding an op is one ``FeatureOp`` in the tables.

Two sets (``OP_SETS``):

- ``'reference'``: what the SoKD authors' ``dfkd_operation.py`` does. Rotate's affine matrix is
  ``[[cos, sin], [-sin, cos]]``; Translate shifts by ``v * size`` normalised grid units (the
  map leaves the frame for ``|v| >= 2 / size``); Cutout zeroes **one** square for the whole
  batch, centre uniform over the map, rows ``clip(y -+ int(v * H) // 2, 0, H)`` (so its side
  is ``2 * (int(v * H) // 2)``); ChannelDrop keeps channel ``c`` when ``u_c > v``, the same
  channels for the whole batch.
- ``'ours'``: Rotate ``[[cos, -sin], [sin, cos]]``, Translate by the fraction ``v`` of the
  map, a Cutout square of side ``round(v * min(H, W))`` and ChannelDrop masks drawn per image
  (every image of the batch sees its own augmentation).

Shear, Noise and ChannelShuffle are the same in both (one permutation per batch).
"""
import math
from dataclasses import dataclass
from functools import partial
from typing import Callable, Dict, Optional, Tuple

import torch
import torch.nn.functional as F

KINDS = ('affine', 'mask', 'noise', 'permute')


@dataclass(frozen=True)
class FeatureOp:
    """``kind``: 'affine' (``make(v, h, w)`` -> the rows of its 2 x 3 matrix), 'mask'
    (``make(x, v, gen)`` -> what ``x`` is multiplied by), 'noise' (``make(x, v, gen)`` -> the
    unit noise added times ``v``) or 'permute' (``make(x, v, gen)`` -> channel order);
    ``identity(v, h, w)``: a bool tensor, true where the op leaves ``x`` as it is."""
    kind: str
    make: Callable
    low: float
    high: float
    identity: Optional[Callable] = None


def _draw(fn, *args, gen: torch.Generator, x: torch.Tensor) -> torch.Tensor:
    """A random draw on the generator's device, moved to the feature's."""
    return fn(*args, generator=gen, device=gen.device).to(x.device)


# -- affine ops: the matrix rows, entries numbers or tensors of v ---------------------------
def shear_x(v, h, w):
    return (1.0, v, 0.0), (0.0, 1.0, 0.0)


def shear_y(v, h, w):
    return (1.0, 0.0, 0.0), (v, 1.0, 0.0)


def translate_x(v, h, w):
    # v is a fraction of the width; the normalised grid spans 2 units.
    return (1.0, 0.0, 2.0 * v), (0.0, 1.0, 0.0)


def translate_y(v, h, w):
    return (1.0, 0.0, 0.0), (0.0, 1.0, 2.0 * v)


def translate_x_reference(v, h, w):
    # The reference multiplies by the map height for X and the width for Y (equal on the
    # square maps of every shipped pair).
    return (1.0, 0.0, v * h), (0.0, 1.0, 0.0)


def translate_y_reference(v, h, w):
    return (1.0, 0.0, 0.0), (0.0, 1.0, v * w)


def rotate(v, h, w):
    a = v * (math.pi / 180.0)  # math.radians
    return (torch.cos(a), -torch.sin(a), 0.0), (torch.sin(a), torch.cos(a), 0.0)


def rotate_reference(v, h, w):
    a = v * (math.pi / 180.0)
    return (torch.cos(a), torch.sin(a), 0.0), (-torch.sin(a), torch.cos(a), 0.0)


def affine_matrix(op: FeatureOp, v: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """(2, 3) float64 matrix of an affine op at ``v`` (on ``v``'s device)."""
    return torch.stack([torch.stack([e if torch.is_tensor(e) else torch.full_like(v, e)
                                     for e in row]) for row in op.make(v, h, w)])


# -- the other ops --------------------------------------------------------------------------
def cutout_mask(x, v, gen):
    """A square of side round(v * min(H, W)) per image (B x 1 x H x W)."""
    b, _, h, w = x.shape
    side = torch.round(v * min(h, w)).long()
    lo = side // 2
    cy = _draw(torch.randint, 0, h, (b, 1, 1), gen=gen, x=x)
    cx = _draw(torch.randint, 0, w, (b, 1, 1), gen=gen, x=x)
    ys = torch.arange(h, device=x.device).view(1, h, 1)
    xs = torch.arange(w, device=x.device).view(1, 1, w)
    inside = (ys >= cy - lo) & (ys < cy - lo + side) & (xs >= cx - lo) & (xs < cx - lo + side)
    return (~inside).unsqueeze(1).to(x.dtype)


def cutout_is_identity(v, h, w):
    return torch.round(v * min(h, w)) <= 0


def cutout_reference_mask(x, v, gen):
    """One square for the batch, corners clipped to the map (1 x H x W)."""
    _, _, h, w = x.shape
    half_h, half_w = torch.floor(v * h).long() // 2, torch.floor(v * w).long() // 2
    cy = _draw(torch.randint, 0, h, (1, ), gen=gen, x=x)
    cx = _draw(torch.randint, 0, w, (1, ), gen=gen, x=x)
    ys = torch.arange(h, device=x.device).view(1, h, 1)
    xs = torch.arange(w, device=x.device).view(1, 1, w)
    inside = ((ys >= (cy - half_h).clamp(0, h)) & (ys < (cy + half_h).clamp(0, h))
              & (xs >= (cx - half_w).clamp(0, w)) & (xs < (cx + half_w).clamp(0, w)))
    return (~inside).to(x.dtype)


def unit_noise(x, v, gen):
    return _draw(torch.randn, x.shape, gen=gen, x=x).to(x.dtype)


def channel_permutation(x, v, gen):
    return _draw(torch.randperm, x.shape[1], gen=gen, x=x)


def channel_drop_mask(x, v, gen):
    """Channel c of each image kept when its uniform is >= v (B x C x 1 x 1)."""
    keep = _draw(torch.rand, x.shape[0], x.shape[1], 1, 1, gen=gen, x=x) >= v.to(x.device)
    return keep.to(x.dtype)


def channel_drop_reference_mask(x, v, gen):
    """The same channels for the batch, channel c kept when u_c > v (1 x C x 1 x 1)."""
    keep = _draw(torch.rand, x.shape[1], gen=gen, x=x) > v.to(x.device)
    return keep.view(1, -1, 1, 1).to(x.dtype)


def zero_value(v, h, w):
    return v <= 0


# name -> op, the ranges of the authors' search space
OURS: Dict[str, FeatureOp] = {
    'ShearX': FeatureOp('affine', shear_x, -0.3, 0.3),
    'ShearY': FeatureOp('affine', shear_y, -0.3, 0.3),
    'TranslateX': FeatureOp('affine', translate_x, -0.45, 0.45),
    'TranslateY': FeatureOp('affine', translate_y, -0.45, 0.45),
    'Rotate': FeatureOp('affine', rotate, -30.0, 30.0),
    'Cutout': FeatureOp('mask', cutout_mask, 0.0, 0.2, cutout_is_identity),
    'Noise': FeatureOp('noise', unit_noise, 0.0, 0.1, zero_value),
    'ChannelShuffle': FeatureOp('permute', channel_permutation, 0.0, 1.0),
    'ChannelDrop': FeatureOp('mask', channel_drop_mask, 0.0, 0.5, zero_value),
}
REFERENCE: Dict[str, FeatureOp] = dict(
    OURS, Rotate=FeatureOp('affine', rotate_reference, -30.0, 30.0),
    TranslateX=FeatureOp('affine', translate_x_reference, -0.45, 0.45),
    TranslateY=FeatureOp('affine', translate_y_reference, -0.45, 0.45),
    Cutout=FeatureOp('mask', cutout_reference_mask, 0.0, 0.2),
    ChannelDrop=FeatureOp('mask', channel_drop_reference_mask, 0.0, 0.5, zero_value))
OPS = dict(reference=REFERENCE, ours=OURS)
OP_NAMES = tuple(OURS)
# Named subsets for ablations (``FeatureAugmenter(ops=...)``).
OP_GROUPS = dict(all=OP_NAMES,
                 spatial=('ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Cutout'),
                 channel=('Noise', 'ChannelShuffle', 'ChannelDrop'))


def apply_value(op: FeatureOp, x: torch.Tensor, v, gen: Optional[torch.Generator]
                ) -> torch.Tensor:
    """``x`` after ``op`` at value ``v`` (a float or a float64 tensor); an op that is the
    identity at ``v`` returns ``x`` without drawing."""
    h, w = x.shape[2:]
    v = torch.as_tensor(v, dtype=torch.float64)
    if op.identity is not None and bool(op.identity(v, h, w)):
        return x
    if op.kind == 'affine':
        theta = affine_matrix(op, v, h, w).to(x.device, x.dtype)
        grid = F.affine_grid(theta.unsqueeze(0).expand(x.shape[0], 2, 3), list(x.shape),
                             align_corners=False)
        return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros',
                             align_corners=False)
    if op.kind == 'permute':
        return x.index_select(1, op.make(x, v, gen))
    if op.kind == 'noise':
        return x + v.to(x.device, x.dtype) * op.make(x, v, gen)
    return x * op.make(x, v, gen)


# name -> (function of (x, v, gen), low, high): each op at a value, for callers and tests
# that give the value itself
OP_SETS: Dict[str, Dict[str, Tuple[Callable, float, float]]] = {
    op_set: {name: (partial(apply_value, op), op.low, op.high) for name, op in ops.items()}
    for op_set, ops in OPS.items()}
FEATURE_OPS = OP_SETS['ours']
REFERENCE_OPS = OP_SETS['reference']


def apply_op(name: str, x: torch.Tensor, magnitude: float, gen: torch.Generator,
             op_set: str = 'ours') -> torch.Tensor:
    """Apply op ``name`` of ``OP_SETS[op_set]`` with ``magnitude`` in [0, 1] mapped to its
    range."""
    op = OPS[op_set][name]
    return apply_value(op, x, op.low + magnitude * (op.high - op.low), gen)
