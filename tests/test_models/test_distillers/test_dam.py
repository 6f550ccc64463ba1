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


def authors_mask(heatmap, wh, offset, topk):
    """The SoKD authors' box rule (mdistiller/engine/area_utils.py) written out with loops:
    corners clamped, truncated by int(), both edges included."""
    b, _, h, w = heatmap.shape
    keep = torch.nn.functional.max_pool2d(heatmap, 3, stride=1, padding=1) == heatmap
    _, index = (heatmap * keep).view(b, -1).topk(topk)
    mask = torch.zeros(b, 1, h, w)
    for n in range(b):
        for i in index[n].tolist():
            pos = i % (h * w)
            y, x = pos // w, pos % w
            cx, cy = x + float(offset[n, 0, y, x]), y + float(offset[n, 1, y, x])
            bw, bh = float(wh[n, 0, y, x]), float(wh[n, 1, y, x])
            x1, y1 = max(cx - bw / 2, 0), max(cy - bh / 2, 0)
            x2, y2 = min(cx + bw / 2, w - 1), min(cy + bh / 2, h - 1)
            mask[n, 0, int(y1):int(y2) + 1, int(x1):int(x2) + 1] += 1
    return mask


@pytest.mark.parametrize('seed', range(4))
def test_reference_box_rule_equals_the_authors_loop_with_offsets_up_to_two_cells(seed):
    g = torch.Generator().manual_seed(seed)
    heatmap = torch.rand(4, 3, 16, 16, generator=g)
    wh = torch.rand(4, 2, 16, 16, generator=g) * 4
    offset = torch.rand(4, 2, 16, 16, generator=g) * 2
    got = area_mask(heatmap, wh, offset, 8, 'reference')
    assert torch.equal(got, authors_mask(heatmap, wh, offset, 8))
    # ... which is not our rule: with offsets above a cell, boxes differ.
    assert not torch.equal(got, area_mask(heatmap, wh, offset, 8, 'ours'))


def _one_peak(y, x, off, size, h=16, w=16):
    heatmap = torch.zeros(1, 1, h, w)
    heatmap[0, 0, y, x] = 1.0
    offset = torch.zeros(1, 2, h, w)
    offset[0, :, y, x] = torch.tensor(off)
    wh = torch.zeros(1, 2, h, w)
    wh[0, :, y, x] = torch.tensor(size)
    return heatmap, wh, offset


def test_reference_box_can_miss_its_own_peak():
    heatmap, wh, offset = _one_peak(5, 3, off=(1.6, 0.0), size=(1.0, 1.0))
    # centre x = 4.6, corners 4.1 .. 5.1 -> columns 4 and 5; the peak (column 3) is outside.
    mask = area_mask(heatmap, wh, offset, 1, 'reference')
    assert mask[0, 0, 5].nonzero().flatten().tolist() == [4, 5]
    assert mask[0, 0, 5, 3] == 0
    assert area_mask(heatmap, wh, offset, 1, 'ours')[0, 0, 5, 3] == 1


def test_reference_box_can_be_empty():
    heatmap, wh, offset = _one_peak(15, 15, off=(1.5, 0.0), size=(0.0, 0.0))
    # left corner 16.5 -> 16, right corner clamped to 15: no column.
    assert area_mask(heatmap, wh, offset, 1, 'reference').sum() == 0
    assert area_mask(heatmap, wh, offset, 1, 'ours').sum() == 1


def test_the_authors_dam_uses_the_reference_box_rule_and_ours_is_selectable():
    assert DistinctiveAreaModule(8, 3).box_rule == 'reference'
    assert DistinctiveAreaModule(8, 3, box_rule='ours').box_rule == 'ours'
    with pytest.raises(DAMConfigError, match='box_rule'):
        DistinctiveAreaModule(8, 3, box_rule='centre')
