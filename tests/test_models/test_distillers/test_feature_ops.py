"""The augmenter's feature ops: shapes always kept; identity at a zero magnitude value."""
import pytest
import torch

from sokd_mm.models.distillers.sokd import FEATURE_OPS, OP_NAMES, apply_op


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
