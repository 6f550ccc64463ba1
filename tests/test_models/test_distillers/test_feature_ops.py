"""The augmenter's feature ops: shapes always kept; identity at a zero magnitude value."""
import pytest
import torch

from sokd_mm.models.distillers.sokd import FEATURE_OPS, OP_NAMES, apply_op
from sokd_mm.models.distillers.sokd.feature_ops import OP_SETS


def test_nine_ops_and_36_pairs():
    from sokd_mm.models.distillers.sokd import SUB_POLICIES
    assert len(OP_NAMES) == 9 and len(SUB_POLICIES) == 36
    assert len({tuple(sorted(p)) for p in SUB_POLICIES}) == 36


@pytest.mark.parametrize('name', OP_NAMES)
@pytest.mark.parametrize('magnitude', [0.0, 0.3, 1.0])
def test_shape_is_kept(name, magnitude):
    x = torch.randn(3, 16, 8, 6)
    out = apply_op(name, x, magnitude, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and torch.isfinite(out).all()


@pytest.mark.parametrize('name', ['ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate',
                                  'Cutout', 'Noise', 'ChannelDrop'])
def test_identity_at_zero_value(name):
    fn, low, high = FEATURE_OPS[name]
    x = torch.randn(2, 5, 8, 8)
    out = fn(x, 0.0, torch.Generator().manual_seed(0))
    assert torch.allclose(out, x, atol=1e-5)


def test_ops_change_the_map_at_nonzero_value():
    x = torch.randn(2, 8, 8, 8)
    g = lambda: torch.Generator().manual_seed(1)  # noqa: E731
    for name in OP_NAMES:
        out = apply_op(name, x, 1.0, g())
        assert not torch.allclose(out, x), name


def test_translate_shifts_by_a_fraction_of_the_width():
    x = torch.zeros(1, 1, 4, 8)
    x[..., 2] = 1.0
    fn, _, _ = FEATURE_OPS['TranslateX']
    out = fn(x, 0.25, None)  # a quarter of 8 columns: two columns
    moved = out[0, 0, 0].argmax().item()
    assert abs(moved - 2) == 2


def test_cutout_zeroes_one_square_for_all_channels():
    x = torch.ones(2, 4, 10, 10)
    out = apply_op('Cutout', x, 1.0, torch.Generator().manual_seed(0))  # side 0.2 * 10 = 2
    zeros = (out == 0)
    assert torch.equal(zeros[:, :1].expand_as(zeros), zeros)  # same square in every channel
    assert 1 <= zeros[0, 0].sum() <= 4


# -- the authors' ops (op_set='reference', mdistiller/engine/dfkd_operation.py) ---------------
def _grid_sample(x, theta_rows):
    theta = torch.tensor(theta_rows, dtype=x.dtype).unsqueeze(0).expand(len(x), 2, 3)
    grid = torch.nn.functional.affine_grid(theta, list(x.shape), align_corners=False)
    return torch.nn.functional.grid_sample(x, grid, align_corners=False)


def test_reference_rotate_uses_the_authors_matrix_and_turns_the_other_way():
    import math
    x = torch.randn(2, 3, 8, 8)
    a = math.radians(20.0)
    expected = _grid_sample(x, [[math.cos(a), math.sin(a), 0], [-math.sin(a), math.cos(a), 0]])
    ref = apply_op('Rotate', x, (20 + 30) / 60, None, 'reference')      # magnitude -> 20 deg
    assert torch.allclose(ref, expected, atol=1e-6)
    ours_opposite = apply_op('Rotate', x, (-20 + 30) / 60, None, 'ours')  # -20 deg
    assert torch.allclose(ref, ours_opposite, atol=1e-6)
    assert not torch.allclose(ref, apply_op('Rotate', x, (20 + 30) / 60, None, 'ours'))


def test_reference_translate_moves_by_v_times_the_map_size_in_grid_units():
    x = torch.zeros(1, 1, 16, 16)
    x[..., 12] = 1.0
    # v = 1/16: the reference's shift is 1 grid unit = half the map = 8 columns (ours: a
    # sixteenth of the width, one column).
    out = OP_SETS['reference']['TranslateX'][0](x, 1 / 16, None)
    assert out[0, 0, 0].argmax().item() == 4 and out[0, 0, 0].max() > 0.99
    ours = OP_SETS['ours']['TranslateX'][0](x, 1 / 16, None)
    assert ours[0, 0, 0].argmax().item() == 11


def test_reference_cutout_is_one_square_for_the_whole_batch_with_an_even_side():
    x = torch.ones(4, 3, 16, 16)
    v = 0.2  # int(0.2 * 16) = 3 -> rows y - 1 .. y + 1 exclusive: a side of 2
    sides = set()
    for seed in range(20):
        fn, _, _ = OP_SETS['reference']['Cutout']
        out = fn(x, v, torch.Generator().manual_seed(seed))
        zeros = out == 0
        assert torch.equal(zeros, zeros[:1].expand_as(zeros))  # same square for every image
        rows, cols = zeros[0, 0].any(1).sum().item(), zeros[0, 0].any(0).sum().item()
        assert rows <= 2 and cols <= 2
        sides.add((rows, cols))
    assert (2, 2) in sides


def test_reference_channel_drop_drops_the_same_channels_in_every_image():
    x = torch.ones(6, 32, 4, 4)
    out = apply_op('ChannelDrop', x, 1.0, torch.Generator().manual_seed(0), 'reference')
    dropped = out[:, :, 0, 0] == 0
    assert dropped.any() and torch.equal(dropped, dropped[:1].expand_as(dropped))
    ours = apply_op('ChannelDrop', x, 1.0, torch.Generator().manual_seed(0), 'ours')
    per_image = ours[:, :, 0, 0] == 0
    assert not torch.equal(per_image, per_image[:1].expand_as(per_image))  # ours: per image


@pytest.mark.parametrize('op_set', ['reference', 'ours'])
@pytest.mark.parametrize('name', OP_NAMES)
def test_both_op_sets_keep_the_shape(op_set, name):
    x = torch.randn(3, 16, 8, 8)
    out = apply_op(name, x, 0.7, torch.Generator().manual_seed(0), op_set)
    assert out.shape == x.shape and torch.isfinite(out).all()
