"""The nine differentiable-in-value feature-map operations of SoKD's augmenter
(docs/en/methods.md 2.1).

Each op takes a feature map ``x`` (B x C x H x W), a magnitude value ``v`` already mapped into
its range, and a ``torch.Generator`` for its random draws (so that a resumed run draws the same
cut-outs and permutations). Geometric ops resample the spatial grid bilinearly with zero
padding; at ``v = 0`` they, Cutout, Noise and ChannelDrop are the identity.

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
from typing import Callable, Dict, Tuple

import torch
import torch.nn.functional as F


def _affine(x: torch.Tensor, theta_rows: Tuple[Tuple[float, float, float], ...]) -> torch.Tensor:
    theta = x.new_tensor(theta_rows).unsqueeze(0).expand(x.shape[0], 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)


def shear_x(x, v, gen):
    return _affine(x, ((1.0, v, 0.0), (0.0, 1.0, 0.0)))


def shear_y(x, v, gen):
    return _affine(x, ((1.0, 0.0, 0.0), (v, 1.0, 0.0)))


def translate_x(x, v, gen):
    # v is a fraction of the width; the normalised grid spans 2 units.
    return _affine(x, ((1.0, 0.0, 2.0 * v), (0.0, 1.0, 0.0)))


def translate_y(x, v, gen):
    return _affine(x, ((1.0, 0.0, 0.0), (0.0, 1.0, 2.0 * v)))


def rotate(x, v, gen):
    a = math.radians(v)
    return _affine(x, ((math.cos(a), -math.sin(a), 0.0), (math.sin(a), math.cos(a), 0.0)))


def rotate_reference(x, v, gen):
    a = math.radians(v)
    return _affine(x, ((math.cos(a), math.sin(a), 0.0), (-math.sin(a), math.cos(a), 0.0)))


def translate_x_reference(x, v, gen):
    # The reference multiplies by the map height for X and the width for Y (equal on the
    # square maps of every shipped pair).
    return _affine(x, ((1.0, 0.0, v * x.shape[2]), (0.0, 1.0, 0.0)))


def translate_y_reference(x, v, gen):
    return _affine(x, ((1.0, 0.0, 0.0), (0.0, 1.0, v * x.shape[3])))


def cutout(x, v, gen):
    b, _, h, w = x.shape
    side = int(round(v * min(h, w)))
    if side <= 0:
        return x
    cy = torch.randint(0, h, (b, 1, 1), generator=gen).to(x.device)
    cx = torch.randint(0, w, (b, 1, 1), generator=gen).to(x.device)
    ys = torch.arange(h, device=x.device).view(1, h, 1)
    xs = torch.arange(w, device=x.device).view(1, 1, w)
    lo = side // 2
    inside = (ys >= cy - lo) & (ys < cy - lo + side) & (xs >= cx - lo) & (xs < cx - lo + side)
    return x * (~inside).unsqueeze(1).to(x.dtype)


def cutout_reference(x, v, gen):
    _, _, h, w = x.shape
    half_h, half_w = int(v * h) // 2, int(v * w) // 2
    y = int(torch.randint(0, h, (1, ), generator=gen))
    x0 = int(torch.randint(0, w, (1, ), generator=gen))
    y1, y2 = min(max(y - half_h, 0), h), min(max(y + half_h, 0), h)
    x1, x2 = min(max(x0 - half_w, 0), w), min(max(x0 + half_w, 0), w)
    if y1 >= y2 or x1 >= x2:
        return x
    mask = torch.ones(h, w, device=x.device, dtype=x.dtype)
    mask[y1:y2, x1:x2] = 0
    return x * mask


def noise(x, v, gen):
    if v <= 0:
        return x
    return x + v * torch.randn(x.shape, generator=gen).to(x.device, x.dtype)


def channel_shuffle(x, v, gen):
    perm = torch.randperm(x.shape[1], generator=gen).to(x.device)
    return x[:, perm]


def channel_drop(x, v, gen):
    if v <= 0:
        return x
    keep = torch.rand(x.shape[0], x.shape[1], 1, 1, generator=gen) >= v
    return x * keep.to(x.device, x.dtype)


def channel_drop_reference(x, v, gen):
    if v <= 0:
        return x
    keep = torch.rand(x.shape[1], generator=gen) > v
    return x * keep.view(1, -1, 1, 1).to(x.device, x.dtype)


# name -> (function, low, high)
FEATURE_OPS: Dict[str, Tuple[Callable, float, float]] = {
    'ShearX': (shear_x, -0.3, 0.3),
    'ShearY': (shear_y, -0.3, 0.3),
    'TranslateX': (translate_x, -0.45, 0.45),
    'TranslateY': (translate_y, -0.45, 0.45),
    'Rotate': (rotate, -30.0, 30.0),
    'Cutout': (cutout, 0.0, 0.2),
    'Noise': (noise, 0.0, 0.1),
    'ChannelShuffle': (channel_shuffle, 0.0, 1.0),
    'ChannelDrop': (channel_drop, 0.0, 0.5),
}
OP_NAMES = tuple(FEATURE_OPS)
REFERENCE_OPS = dict(FEATURE_OPS, Rotate=(rotate_reference, -30.0, 30.0),
                     TranslateX=(translate_x_reference, -0.45, 0.45),
                     TranslateY=(translate_y_reference, -0.45, 0.45),
                     Cutout=(cutout_reference, 0.0, 0.2),
                     ChannelDrop=(channel_drop_reference, 0.0, 0.5))
OP_SETS = dict(reference=REFERENCE_OPS, ours=FEATURE_OPS)
# Named subsets for ablations (``FeatureAugmenter(ops=...)``).
OP_GROUPS = dict(all=OP_NAMES,
                 spatial=('ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Cutout'),
                 channel=('Noise', 'ChannelShuffle', 'ChannelDrop'))


def apply_op(name: str, x: torch.Tensor, magnitude: float, gen: torch.Generator,
             op_set: str = 'ours') -> torch.Tensor:
    """Apply op ``name`` of ``OP_SETS[op_set]`` with ``magnitude`` in [0, 1] mapped to its
    range."""
    fn, low, high = OP_SETS[op_set][name]
    return fn(x, low + magnitude * (high - low), gen)
