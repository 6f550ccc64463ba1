"""Device sampling (the fast runtime's) computes what host sampling computes.

Given the same random draws, each branch-free op slot equals ``apply_op`` bit for bit (every op
of both op sets, applied or not, at several magnitudes); a device sample's forward, straight-
through gradient and RELAX estimate equal the host path's for the same sample; draws depend
on the run's position only, as a resumed run needs."""
import dataclasses

import pytest
import torch
from mmengine.logging import MessageHub

from sokd_mm.models.distillers.sokd import FeatureAugmenter
from sokd_mm.models.distillers.sokd.device_ops import apply_slot, op_ranges
from sokd_mm.models.distillers.sokd.feature_ops import OP_NAMES, apply_op


def _skip_draws_before(name: str, x: torch.Tensor, gen: torch.Generator, op_set: str) -> None:
    """Consume what ``apply_slot`` draws before op ``name``'s own draws (its order: the
    permutation, the cut-out centres, the noise, the channel-drop uniforms), so that
    ``apply_op`` on ``gen`` sees the same numbers."""
    b, c, h, w = x.shape
    size = (1, ) if op_set == 'reference' else (b, 1, 1)
    draws = [('ChannelShuffle', lambda: torch.randperm(c, generator=gen)),
             ('Cutout', lambda: (torch.randint(0, h, size, generator=gen),
                                 torch.randint(0, w, size, generator=gen))),
             ('Noise', lambda: torch.randn(x.shape, generator=gen))]
    for owner, draw in draws:
        if owner == name:
            return
        draw()


@pytest.mark.parametrize('op_set', ['reference', 'ours'])
@pytest.mark.parametrize('name', OP_NAMES)
def test_each_slot_equals_the_host_op_given_the_same_draws(op_set, name):
    x = torch.randn(3, 6, 8, 8, generator=torch.Generator().manual_seed(0))
    ranges = op_ranges(op_set)
    op = torch.tensor(OP_NAMES.index(name))
    for m in (0.0, 0.1, 0.37, 0.5, 0.83, 1.0):
        magnitude = torch.tensor(m, dtype=torch.float32)
        for applied in (True, False):
            got = apply_slot(x, op, magnitude, torch.tensor(applied),
                             torch.Generator().manual_seed(7), op_set, ranges)
            if applied:
                gen = torch.Generator().manual_seed(7)
                if name not in ('ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate'):
                    _skip_draws_before(name, x, gen, op_set)
                expected = apply_op(name, x, float(magnitude), gen, op_set)
            else:
                expected = x
            assert torch.equal(got, expected), (name, m, applied)


def _device_copy(aug: FeatureAugmenter) -> FeatureAugmenter:
    twin = FeatureAugmenter(seed=0, sampling='device', ops=aug.ops)
    twin.load_state_dict(aug.state_dict())
    twin.sample = dataclasses.replace(aug.sample, choice=torch.tensor(aug.sample.choice))
    return twin


def test_device_sample_gives_the_host_forward_and_gradients():
    """For the same sample: same augmented feature, same straight-through magnitude gradient,
    same RELAX estimate (the device path picks by index_select / where, not by indexing)."""
    torch.manual_seed(0)
    feature = torch.randn(4, 8, 6, 6)
    for draw in range(12):
        host = FeatureAugmenter(seed=draw, ops='spatial')  # deterministic ops only
        with torch.no_grad():
            host.alpha.copy_(torch.randn(host.alpha.shape))
        host.draw()
        device = _device_copy(host)
        for aug in (host, device):
            aug.zero_grad()
            out = aug(feature, magnitude_grad=True)
            # + 0 * m: a draw that applies no op leaves the host output without a graph
            ((out * feature).sum() + 0 * aug.magnitude.sum()).backward()
        assert torch.equal(host(feature), device(feature)), draw
        assert torch.equal(host.magnitude.grad, device.magnitude.grad), draw
        h, d = host.relax_gradients(torch.tensor(1.3)), device.relax_gradients(torch.tensor(1.3))
        for key in ('prob', 'alpha', 'variance'):
            assert torch.equal(h[key], d[key]), (draw, key)


def test_device_draws_follow_the_run_position():
    """The same iteration draws the same sample and op seed (a resumed run repeats them);
    another iteration draws another."""
    hub = MessageHub.get_current_instance()
    aug = FeatureAugmenter(seed=3, sampling='device')
    samples = []
    for iteration in (5, 6, 5):
        hub.update_info('iter', iteration)
        samples.append(aug.draw())
    hub.runtime_info.pop('iter', None)
    same, other = samples[0], samples[1]
    assert torch.equal(same.u_bern, samples[2].u_bern) and same.op_seed == samples[2].op_seed
    assert not torch.equal(same.u_bern, other.u_bern) and same.op_seed != other.op_seed
    assert isinstance(same.choice, torch.Tensor) and same.choice.dim() == 0


def test_unknown_sampling_is_refused():
    with pytest.raises(ValueError, match="sampling must be one of"):
        FeatureAugmenter(sampling='gpu')


@pytest.mark.parametrize('name', ['Noise', 'Rotate'])
def test_both_samplings_apply_the_one_definition_in_the_op_table(monkeypatch, name):
    """Changing an op's entry in the table changes what host and device sampling apply."""
    from sokd_mm.models.distillers.sokd import feature_ops
    old = feature_ops.OPS['ours'][name]
    if old.kind == 'noise':  # constant 'noise': the result is x + v
        new = dataclasses.replace(old, make=lambda x, v, gen: torch.ones_like(x))
    else:                    # a rotation by 180 degrees whatever the value
        new = dataclasses.replace(old, make=lambda v, h, w: ((-1.0, 0.0, 0.0), (0.0, -1.0, 0.0)))
    monkeypatch.setitem(feature_ops.OPS['ours'], name, new)
    x = torch.randn(2, 3, 6, 6)
    host = apply_op(name, x, 0.5, torch.Generator().manual_seed(0), 'ours')
    device = apply_slot(x, torch.tensor(OP_NAMES.index(name)), torch.tensor(0.5),
                        torch.tensor(True), torch.Generator().manual_seed(0), 'ours',
                        op_ranges('ours'))
    expected = x + 0.05 if name == 'Noise' else x.flip(2, 3)
    assert torch.allclose(host, expected, atol=1e-6) and torch.equal(host, device)
