"""The DAM diagnostics report a dead DAM as dead; the live DAM stays alive, finds areas that
differ between images and follow the teacher's activity, and its area loss does not depend on
k or the map size; the DAM-off ablation is plain MSE."""
import torch
import torch.nn.functional as F

from sokd_mm.models.distillers.sokd import (DistinctiveAreaModule, LiveDistinctiveAreaModule,
                                            WholeMapArea)


def _blob_features(n: int, channels: int = 8, size: int = 16, seed: int = 0):
    """Features that are weak noise except for a strong 3x3 blob at a random place per image."""
    g = torch.Generator().manual_seed(seed)
    feats = 0.1 * torch.rand(n, channels, size, size, generator=g)
    centres = torch.randint(1, size - 1, (n, 2), generator=g)
    for i, (y, x) in enumerate(centres.tolist()):
        feats[i, :, y - 1:y + 2, x - 1:x + 2] += 2.0
    return feats, centres


def test_a_dead_reference_dam_is_reported_dead():
    dam = DistinctiveAreaModule(in_channels=8, num_classes=10, topk=4)
    for head in (dam.heatmap_head, dam.size_head, dam.offset_head):
        torch.nn.init.zeros_(head[2].weight)   # the final ReLU then outputs 0: a dead head
        torch.nn.init.constant_(head[2].bias, -1.0)
    feats, _ = _blob_features(4)
    diag = dam.losses(feats, feats)['diagnostics']
    assert diag['dead'] == 1.0 and diag['hm_std'] == 0.0 and diag['first_k'] == 1.0


def test_a_fresh_reference_dam_is_not_reported_dead():
    torch.manual_seed(0)
    dam = DistinctiveAreaModule(in_channels=8, num_classes=10, topk=4)
    diag = dam.losses(*[_blob_features(4)[0]] * 2)['diagnostics']
    assert diag['dead'] < 0.9 and diag['hm_std'] > 0 and diag['first_k'] < 1.0


def test_live_dam_masks_follow_the_teacher_and_differ_between_images():
    torch.manual_seed(0)
    dam = LiveDistinctiveAreaModule(in_channels=8, topk=2)
    opt = torch.optim.SGD(dam.parameters(), lr=0.5, momentum=0.9)
    for step in range(60):
        feats, _ = _blob_features(16, seed=step)
        student = feats + 0.05 * torch.randn_like(feats)
        out = dam.losses(student, feats)
        loss = out['losses']['heatmap'] + out['losses']['agreement']
        assert torch.isfinite(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
    feats, centres = _blob_features(8, seed=1000)
    out = dam.losses(feats, feats)
    masks = out['mask'][:, 0] > 0
    assert out['diagnostics']['dead'] < 0.05 and out['diagnostics']['first_k'] < 0.5
    # each image's areas cover its blob centre, and the masks are not all the same
    assert all(masks[i, y, x] for i, (y, x) in enumerate(centres.tolist()))
    assert len({tuple(m.flatten().tolist()) for m in masks}) > 1


def test_live_area_loss_is_mass_normalised():
    torch.manual_seed(0)
    s, t = torch.randn(3, 8, 16, 16), torch.randn(3, 8, 16, 16)
    for topk in (1, 8):
        dam = LiveDistinctiveAreaModule(in_channels=8, topk=topk)
        out = dam.losses(s, t)
        m = out['mask']
        weight = m / m.mean(dim=(1, 2, 3), keepdim=True)
        expected = (weight * (s - t) ** 2).mean()
        assert torch.allclose(out['losses']['area'], expected)
    # a uniform squared error of 4 gives L_DA = 4 whatever k and the map size (the
    # reference's mean over the masked map would give 4 * covered / (H * W))
    for topk, size in ((1, 8), (8, 8), (8, 16)):
        dam = LiveDistinctiveAreaModule(in_channels=8, topk=topk)
        base = torch.randn(2, 8, size, size)
        assert torch.allclose(dam.losses(base + 2, base)['losses']['area'], torch.tensor(4.0))
    # a mask covering the whole map gives FitNet's MSE
    from sokd_mm.models.distillers.sokd.live_dam import mass_normalised_mse
    assert torch.allclose(mass_normalised_mse(s, t, torch.ones(3, 1, 16, 16) * 3),
                          F.mse_loss(s, t))


def test_whole_map_ablation_is_plain_mse():
    s, t = torch.randn(2, 4, 8, 8), torch.randn(2, 4, 8, 8)
    out = WholeMapArea(in_channels=4).losses(s, t)
    assert set(out['losses']) == {'area'}
    assert torch.allclose(out['losses']['area'], F.mse_loss(s, t))


def test_area_mix_blends_the_whole_map_and_the_areas():
    import pytest
    from sokd_mm.models.distillers.sokd.dam import DAMConfigError
    from sokd_mm.models.distillers.sokd.live_dam import mass_normalised_mse
    torch.manual_seed(0)
    s, t = torch.randn(2, 4, 8, 8), torch.randn(2, 4, 8, 8)
    mask = torch.zeros(2, 1, 8, 8)
    mask[:, :, :2, :2] = 1
    whole = torch.nn.functional.mse_loss(s, t)
    areas = mass_normalised_mse(s, t, mask)
    assert torch.allclose(mass_normalised_mse(s, t, mask, 0.0), whole)
    assert torch.allclose(mass_normalised_mse(s, t, mask, 0.5), 0.5 * whole + 0.5 * areas)
    assert LiveDistinctiveAreaModule(4, area_mix=0.5).area_mix == 0.5
    with pytest.raises(DAMConfigError, match='area_mix'):
        LiveDistinctiveAreaModule(4, area_mix=1.5)
