"""The augmentation policy: sampling, straight-through magnitudes, and an unbiased RELAX
gradient (checked against the exact gradient of a toy objective)."""
import itertools

import torch

from sokd_mm.models.distillers.sokd import SUB_POLICIES, FeatureAugmenter


def toy_objective(choice: int, bits: torch.Tensor) -> float:
    # depends on the chosen sub-policy and its two bits, like the student loss does
    return float((choice % 7) * 0.3 + bits[choice, 0] * 1.5 - bits[choice, 1] * 0.8)


def exact_gradient(aug: FeatureAugmenter):
    """d E[f] / d (prob, alpha) by enumerating the choices and the chosen pair's bits."""
    prob = aug.prob.detach().clone().requires_grad_(True)
    alpha = aug.alpha.detach().clone().requires_grad_(True)
    pi = torch.softmax(alpha, 0)
    p = prob.clamp(1e-6, 1 - 1e-6)
    total = 0.0
    for c in range(len(SUB_POLICIES)):
        for b0, b1 in itertools.product((0, 1), repeat=2):
            bits = torch.zeros(len(SUB_POLICIES), 2)
            bits[c] = torch.tensor([b0, b1], dtype=torch.float)
            pb = (p[c, 0] if b0 else 1 - p[c, 0]) * (p[c, 1] if b1 else 1 - p[c, 1])
            total = total + pi[c] * pb * toy_objective(c, bits)
    return torch.autograd.grad(total, (prob, alpha))


def test_relax_estimate_is_unbiased():
    """Each component of the mean RELAX estimate lies within 4.5 standard errors of the exact
    gradient (a bias would push components far outside as the sample count grows)."""
    torch.manual_seed(0)
    aug = FeatureAugmenter(seed=0)
    with torch.no_grad():
        aug.alpha.copy_(torch.randn(36) * 0.5)
        aug.prob.copy_(torch.rand(36, 2) * 0.8 + 0.1)
    true_prob, true_alpha = exact_gradient(aug)
    n = 3000
    estimates = []
    for _ in range(n):
        s = aug.draw()
        est = aug.relax_gradients(toy_objective(s.choice, s.bits) - 1.0, create_graph=False)
        estimates.append(torch.cat([est['prob'].detach().flatten(), est['alpha'].detach()]))
    estimates = torch.stack(estimates)
    mean, stderr = estimates.mean(0), estimates.std(0) / n ** 0.5
    truth = torch.cat([true_prob.flatten(), true_alpha])
    z = (mean - truth).abs() / stderr
    assert z.max() < 4.5, z.max()
    # and the estimate is informative: the selection gradient points the right way
    cos = torch.nn.functional.cosine_similarity(mean[72:], true_alpha, dim=0)
    assert cos > 0.95


def test_straight_through_magnitudes_leave_the_value_unchanged():
    aug = FeatureAugmenter(seed=3)
    x = torch.randn(2, 8, 6, 6)
    for _ in range(20):  # until a sample applies at least one op
        s = aug.draw()
        if s.applied_ops():
            break
    plain = aug(x, magnitude_grad=False)
    ste = aug(x, magnitude_grad=True)
    assert torch.allclose(plain, ste)
    ste.sum().backward()
    grad = aug.magnitude.grad
    applied = s.applied_ops()
    assert torch.allclose(grad[s.choice, applied], torch.full((len(applied), ), float(x.numel())))
    assert grad.abs().sum() == grad[s.choice].abs().sum()


def test_generator_state_round_trips():
    a = FeatureAugmenter(seed=5)
    a.draw()
    state = a.state_dict()
    b = FeatureAugmenter(seed=99)
    b.load_state_dict(state)
    assert a.draw().choice == b.draw().choice and torch.equal(a.sample.bits, b.sample.bits)


def test_apply_ops_false_keeps_values_and_passes_magnitude_gradients():
    """The authors' SoKD-ReviewKD: the drawn ops never change the feature; only the
    straight-through magnitude terms reach the loss. Pooled B x C features work too."""
    import torch
    from sokd_mm.models.distillers.sokd import FeatureAugmenter
    torch.manual_seed(0)
    aug = FeatureAugmenter(apply_ops=False, init_prob=0.999, init_magnitude=0.9, seed=3)
    aug.draw()
    assert aug.sample.applied_ops()  # something would have been applied
    for shape in ((2, 8, 4, 4), (2, 8)):
        x = torch.randn(*shape)
        out = aug(x, magnitude_grad=True)
        assert out.shape == x.shape and torch.allclose(out, x)
        out.sum().backward()
        assert aug.magnitude.grad is not None and aug.magnitude.grad.abs().sum() > 0
        aug.magnitude.grad = None
    applied = FeatureAugmenter(apply_ops=True, init_prob=0.999, init_magnitude=0.9, seed=3)
    applied.draw()
    x = torch.randn(2, 8, 4, 4) + 1
    assert not torch.allclose(applied(x), x)  # the same draw with apply_ops=True changes it


def test_an_op_subset_gives_the_pairs_of_its_ops_only():
    import pytest
    from sokd_mm.errors import ConfigError
    aug = FeatureAugmenter(ops='channel', seed=0)
    assert len(aug.sub_policies) == 3 and aug.prob.shape == (3, 2)
    names = {n for i in range(3) for n in aug.op_names(i)}
    assert names == {'Noise', 'ChannelShuffle', 'ChannelDrop'}
    for _ in range(20):
        s = aug.draw()
        assert set(aug.op_names(s.choice)) <= names
    out = aug(torch.randn(2, 4, 8, 8), magnitude_grad=True)
    assert out.shape == (2, 4, 8, 8)
    aug.relax_gradients(1.0)  # the control variate is sized for 3 sub-policies
    assert len(FeatureAugmenter(ops=['Rotate', 'Cutout', 'Noise']).sub_policies) == 3
    for bad in ('colour', ['Rotate'], ['Rotate', 'Blur']):
        with pytest.raises(ConfigError, match='ops='):
            FeatureAugmenter(ops=bad)
    with pytest.raises(ConfigError, match='op_set'):
        FeatureAugmenter(op_set='paper')


def test_shipped_sokd_configs_run_the_authors_ops_and_box_rule():
    from tests.helpers.config_fingerprint import fingerprint
    for path in ('sokd/sokd_fitnet_r56_r20_cifar100.py', 'sokd/sokd_kd_r20_r8_fashion_mnist.py'):
        modules = fingerprint(f'configs/{path}')['modules']
        assert modules['distiller.augmenters.hint']['op_set'] == 'reference'
        assert modules['distiller.dams.hint']['box_rule'] == 'reference'
