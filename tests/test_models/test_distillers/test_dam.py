"""DAM masks equal a brute-force construction; losses and errors."""
import math

import pytest
import torch

from sokd_mm.models.distillers.sokd import DistinctiveAreaModule, area_mask
from sokd_mm.models.distillers.sokd.dam import DAMConfigError


def brute_force_mask(heatmap, wh, offset, topk):
    b, k_cls, h, w = heatmap.shape
    mask = torch.zeros(b, 1, h, w)
    for n in range(b):
        peaks = []
        for c in range(k_cls):
            for y in range(h):
                for x in range(w):
                    v = heatmap[n, c, y, x]
                    neigh = heatmap[n, c, max(0, y - 1):y + 2, max(0, x - 1):x + 2]
                    peaks.append((float(v if v >= neigh.max() else 0.0), c, y, x))
        # topk keeps the first index among ties, as torch.topk does on distinct values
        peaks.sort(key=lambda t: -t[0])
        for _, c, y, x in peaks[:topk]:
            cx, cy = x + float(offset[n, 0, y, x]), y + float(offset[n, 1, y, x])
            bw, bh = float(wh[n, 0, y, x]), float(wh[n, 1, y, x])
            x0 = min(max(math.floor(cx - bw / 2), 0), w - 1)
            x1 = min(max(math.ceil(cx + bw / 2), 1), w)
            y0 = min(max(math.floor(cy - bh / 2), 0), h - 1)
            y1 = min(max(math.ceil(cy + bh / 2), 1), h)
            x0, x1 = min(x0, x), max(x1, x + 1)
            y0, y1 = min(y0, y), max(y1, y + 1)
            for yy in range(y0, y1):
                for xx in range(x0, x1):
                    mask[n, 0, yy, xx] += 1
    return mask


@pytest.mark.parametrize('seed', range(4))
def test_vectorised_mask_equals_loop(seed):
    g = torch.Generator().manual_seed(seed)
    heatmap = torch.rand(3, 4, 7, 9, generator=g)
    wh = torch.rand(3, 2, 7, 9, generator=g) * 5
    offset = torch.rand(3, 2, 7, 9, generator=g)
    assert torch.equal(area_mask(heatmap, wh, offset, 8), brute_force_mask(heatmap, wh, offset, 8))


def test_losses_and_gradients():
    torch.manual_seed(0)
    dam = DistinctiveAreaModule(in_channels=16, num_classes=5, topk=4)
    s = torch.randn(2, 16, 8, 8, requires_grad=True)
    t = torch.randn(2, 16, 8, 8)
    out = dam.losses(s, t)
    assert out['mask'].shape == (2, 1, 8, 8) and out['mask'].sum() >= 2 * 4
    expected = ((s * out['mask'] - t * out['mask']) ** 2).mean()
    assert torch.allclose(out['losses']['area'], expected)
    (out['losses']['area'] + out['losses']['agreement']).backward()
    assert s.grad is not None and any(p.grad is not None for p in dam.parameters())


def test_topk_larger_than_the_map_is_refused():
    dam = DistinctiveAreaModule(in_channels=4, num_classes=1, topk=20)
    with pytest.raises(DAMConfigError, match=r'topk=20 is larger than the 4 x 4'):
        dam.losses(torch.randn(1, 4, 4, 4), torch.randn(1, 4, 4, 4))


def test_shape_mismatch_is_explained():
    dam = DistinctiveAreaModule(in_channels=4, num_classes=1)
    with pytest.raises(DAMConfigError, match='differ in shape'):
        dam.losses(torch.randn(1, 4, 4, 4), torch.randn(1, 4, 8, 8))
    with pytest.raises(DAMConfigError, match='in_channels'):
        dam(torch.randn(1, 3, 4, 4))
