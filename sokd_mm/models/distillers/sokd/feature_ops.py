"""The nine differentiable-in-value feature-map operations of SoKD's augmenter (METHODS.md 2.1).

Each op takes a feature map ``x`` (B x C x H x W), a magnitude value ``v`` already mapped into
its range, and a ``torch.Generator`` for its random draws (so that a resumed run draws the same
cut-outs and permutations). Geometric ops resample the spatial grid bilinearly with zero
padding; at ``v = 0`` they, Cutout, Noise and ChannelDrop are the identity.
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


def apply_op(name: str, x: torch.Tensor, magnitude: float, gen: torch.Generator) -> torch.Tensor:
    """Apply op ``name`` with ``magnitude`` in [0, 1] mapped to its range."""
    fn, low, high = FEATURE_OPS[name]
    return fn(x, low + magnitude * (high - low), gen)
