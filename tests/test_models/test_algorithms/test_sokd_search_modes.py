"""The policy-search steps against an independent computation on a toy objective.

The student objective is replaced by ``f(w, m) = sum((w - s(m) c)^2)`` with ``s(m)`` the sum of
the augmenter's magnitudes, and the student's SGD (momentum 0.9, weight decay 5e-4) holds ``w``
with a momentum buffer. The magnitudes' gradient written by the search step must equal the
formula of each mode (METHODS.md 2.1a), computed here with autograd on the toy."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmrazor.registry import MODELS

from sokd_mm.models.distillers import SoKDConfigError
from tests.test_models.test_algorithms.test_sokd_distill import _sokd_model

ETA, FD = 0.01, 0.01


class RecordingWrapper:
    """Stands in for the policy OptimWrapper: keeps the gradients handed to ``step``."""

    def __init__(self, params):
        self.params, self.grads = params, None

    def zero_grad(self):
        pass

    def step(self):
        self.grads = [None if p.grad is None else p.grad.clone() for p in self.params]


def _toy(search):
    model = MODELS.build(dict(_sokd_model(), search=search))
    augmenter = model.distiller.augmenters['hint']
    c = torch.tensor([1.0, -2.0, 0.5])
    w = torch.nn.Parameter(torch.tensor([0.3, 0.1, -0.4]))
    sgd = torch.optim.SGD([w], lr=0.05, momentum=0.9, weight_decay=5e-4)
    w.grad = torch.tensor([0.2, -0.1, 0.3])
    sgd.step()  # creates a momentum buffer the reference mode must ignore
    student = OptimWrapper(sgd)

    def objective(inputs, data_samples, params, buffers, magnitude_grad=True):
        # As the model's: the same value, the magnitudes differentiated only when asked.
        theta = params.get('w', w)
        magnitude = augmenter.magnitude if magnitude_grad else augmenter.magnitude.detach()
        return ((theta - magnitude.sum() * c) ** 2).sum()

    model._teacher_pass = lambda *a: None
    model._student_state = lambda wrapper: ({'w': w}, {})
    model._objective_at = objective
    model.distiller.draw_policies()
    policy = RecordingWrapper(list(augmenter.parameters()))
    model._search_step(None, None, student, policy)
    return model, augmenter, w.detach(), c, sgd, policy


def _expected(m0, w, c, decay, momentum_term, keep_first, eta_factor):
    m = m0.clone().requires_grad_(True)
    f = lambda theta: ((theta - m.sum() * c) ** 2).sum()  # noqa: E731
    w0 = w.clone().requires_grad_(True)
    g = torch.autograd.grad(f(w0), w0)[0]
    w_virtual = (w - ETA * (g + decay * w + momentum_term)).requires_grad_(True)
    value = f(w_virtual)
    g_virtual, first = torch.autograd.grad(value, [w_virtual, m])
    radius = FD / g_virtual.norm()
    plus = torch.autograd.grad(f(w + radius * g_virtual), m)[0]
    minus = torch.autograd.grad(f(w - radius * g_virtual), m)[0]
    hessian_term = (plus - minus) / (2 * radius)
    return (first if keep_first else 0) - eta_factor * hessian_term


def test_reference_search_keeps_only_the_finite_difference_term():
    model, augmenter, w, c, sgd, policy = _toy('reference')
    expected = _expected(torch.full((36, 2), 0.5), w, c, decay=1e-4, momentum_term=0.0,
                         keep_first=False, eta_factor=1.0)
    got = policy.grads[[n for n, _ in augmenter.named_parameters()].index('magnitude')]
    assert torch.allclose(got, expected, rtol=1e-4, atol=1e-6)
    assert got.abs().sum() > 0


def test_second_order_search_is_standard_darts():
    model, augmenter, w, c, sgd, policy = _toy('second_order')
    buf = sgd.state[sgd.param_groups[0]['params'][0]]['momentum_buffer']
    expected = _expected(torch.full((36, 2), 0.5), w, c, decay=5e-4, momentum_term=0.9 * buf,
                         keep_first=True, eta_factor=ETA)
    got = policy.grads[[n for n, _ in augmenter.named_parameters()].index('magnitude')]
    assert torch.allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_unknown_search_mode_and_search_without_augmenter_are_refused():
    with pytest.raises(SoKDConfigError, match="search must be one of"):
        MODELS.build(dict(_sokd_model(), search='third_order'))
    cfg = _sokd_model()
    cfg['distiller']['augment'] = False
    model = MODELS.build(dict(cfg, search_epochs=2))
    hub = MessageHub.get_current_instance()
    hub.update_info('epoch', 0)
    hub.update_info('max_epochs', 3)
    with pytest.raises(SoKDConfigError, match='augmentation is off'):
        model._is_searching(policy_wrapper=object())
