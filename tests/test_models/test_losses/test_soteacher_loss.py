"""SoTeacherLoss (METHODS.md 1.2): consistency term, temporal ensemble, schedules, state."""
import math

import pytest
import torch
import torch.nn as nn

from sokd_mm.models.losses import SoTeacherConfigError, SoTeacherLoss, cr_weight


def make(**kwargs) -> SoTeacherLoss:
    args = dict(num_samples=6, num_classes=3, lambda_lr=0.0)
    args.update(kwargs)
    return SoTeacherLoss(**args).train()


def test_ensemble_is_running_mean_over_three_epochs():
    loss, net = make(), nn.Identity()
    idx = torch.tensor([4, 1])
    logits = [torch.randn(2, 3) for _ in range(3)]
    probs = [z.softmax(1) for z in logits]
    for epoch in (1, 2, 3):
        loss.set_epoch(epoch, 10)
        loss(logits[epoch - 1], torch.tensor([0, 1]), idx, net)
        expected = sum(probs[:epoch]) / epoch
        assert torch.allclose(loss.ensemble[idx], expected, atol=1e-6)
    assert loss.ensemble[[0, 2, 3, 5]].abs().sum() == 0  # unseen samples untouched
    assert loss.ensemble_epoch == 3


def test_reference_mode_overweights_the_first_epoch():
    loss, net = make(ensemble_mode='reference'), nn.Identity()
    idx = torch.tensor([0])
    probs = []
    for epoch in (1, 2, 3):
        logits = torch.randn(1, 3)
        probs.append(logits.softmax(1))
        loss.set_epoch(epoch, 10)
        loss(logits, torch.tensor([0]), idx, net)
    assert torch.allclose(loss.ensemble[idx], probs[0] / 2 + probs[1] / 4 + probs[2] / 4,
                          atol=1e-6)


def test_consistency_term_value_and_gradient_through_p_only():
    loss, net = make(lambda_cr=2.0), nn.Identity()
    idx = torch.tensor([2, 3, 5])
    loss.set_epoch(1, 4)
    first = torch.randn(3, 3)
    out1 = loss(first, torch.tensor([0, 1, 2]), idx, net)
    assert out1['loss_cr'].item() == 0.0  # no consistency in epoch 1
    q = loss.ensemble[idx].clone()
    loss.set_epoch(2, 4)
    logits = torch.randn(3, 3, requires_grad=True)
    out = loss(logits, torch.tensor([0, 1, 2]), idx, net)
    p = logits.detach().softmax(1)
    manual = sum(sum((p[i, c] - q[i, c]) ** 2 for c in range(3)) for i in range(3)) / 3
    lam = 2.0 * 2 / 4  # linear ramp at epoch 2 of 4
    assert out['loss_cr'].item() == pytest.approx(lam * manual.item(), rel=1e-5)
    assert out['lambda_cr'].item() == pytest.approx(lam)
    assert out['loss_ce'].item() == pytest.approx(
        nn.functional.cross_entropy(logits.detach(), torch.tensor([0, 1, 2])).item())
    out['loss_cr'].backward()
    analytic = torch.autograd.functional.jacobian(lambda z: z.softmax(1), logits.detach())
    dl_dp = lam * 2 * (p - q) / 3
    expected = torch.einsum('ic,icjd->jd', dl_dp, analytic)
    assert torch.allclose(logits.grad, expected, atol=1e-6)


EPOCHS = (1, 49, 50, 51, 100)


@pytest.mark.parametrize('schedule,expected', [
    ('linear', [1.5 * e / 100 for e in EPOCHS]),
    # the authors' scheduler steps after each epoch: off through epoch 50, on from 51
    ('step', [0.0, 0.0, 0.0, 1.5, 1.5]),
    ('cosine', [1.5 * math.cos((1 - e / 100) * math.pi / 2) for e in EPOCHS]),
    ('cycle', [1.5 * math.sqrt(1 - (1 - e / 100) ** 2) for e in EPOCHS]),
])
def test_cr_schedules(schedule, expected):
    got = [cr_weight(schedule, 1.5, e, 100, start_epoch=50) for e in EPOCHS]
    assert got == pytest.approx(expected)
    loss = make(cr_schedule=schedule, lambda_cr=1.5)
    for epoch, weight in zip(EPOCHS, expected):
        loss.set_epoch(epoch, 100)
        assert loss.current_lambda_cr == pytest.approx(weight)


def test_lipschitz_term_uses_the_given_model():
    loss = make(lambda_lr=0.5)
    loss.set_epoch(1, 2)
    lin = nn.Linear(3, 3)
    out = loss(torch.randn(2, 3), torch.tensor([0, 1]), torch.tensor([0, 1]), lin)
    assert out['loss_lip'].item() == pytest.approx(0.5 * lin.weight.abs().sum(0).max().item())


@pytest.mark.parametrize('kwargs,match', [
    (dict(lambda_cr=-1.0), 'lambda_cr'),
    (dict(lambda_lr='1e-5'), 'lambda_lr'),
    (dict(lambda_cr=float('nan')), 'lambda_cr'),
    (dict(cr_schedule='exp'), 'cr_schedule'),
    (dict(ensemble_mode='ema'), 'ensemble_mode'),
    (dict(num_samples=0), 'num_samples'),
])
def test_bad_hyperparameters_are_refused(kwargs, match):
    with pytest.raises(SoTeacherConfigError, match=match):
        make(**kwargs)


def test_missing_hook_and_out_of_range_index_are_explained():
    loss = make()
    with pytest.raises(SoTeacherConfigError, match='SoTeacherHook'):
        loss(torch.randn(1, 3), torch.tensor([0]), torch.tensor([0]), nn.Identity())
    loss.set_epoch(1, 2)
    with pytest.raises(SoTeacherConfigError, match='num_samples'):
        loss(torch.randn(1, 3), torch.tensor([0]), torch.tensor([6]), nn.Identity())


def test_ensemble_round_trips_through_state_dict_and_checks_shape():
    loss = make()
    loss.set_epoch(1, 2)
    loss(torch.randn(2, 3), torch.tensor([0, 1]), torch.tensor([3, 4]), nn.Identity())
    state = loss.state_dict()
    assert set(state) == {'ensemble', 'ensemble_epoch'}
    fresh = make()
    fresh.load_state_dict(state)
    assert torch.equal(fresh.ensemble, loss.ensemble) and fresh.ensemble_epoch == 1
    other = make(num_samples=7)
    with pytest.raises(SoTeacherConfigError, match=r'\(6, 3\).*\(7, 3\).*start fresh'):
        other.load_state_dict(state)


def test_float16_ensemble_on_cpu():
    loss = make(ensemble_dtype='float16', ensemble_device='cpu')
    loss.set_epoch(1, 2)
    loss(torch.randn(2, 3), torch.tensor([0, 1]), torch.tensor([0, 1]), nn.Identity())
    assert loss.ensemble.dtype == torch.float16
    assert torch.allclose(loss.ensemble[:2].float().sum(1), torch.ones(2), atol=1e-2)


def test_classifier_refuses_data_without_sample_indices():
    from mmpretrain.registry import MODELS
    from mmpretrain.structures import DataSample

    from sokd_mm.utils import base_model
    cfg = base_model('resnet8', replace=False)
    cfg.pop('_scope_')
    cfg.update(type='SoTeacherClassifier', soteacher_loss=dict(
        type='SoTeacherLoss', num_samples=10, num_classes=100))
    model = MODELS.build(cfg)
    model.soteacher_loss.set_epoch(1, 2)
    with pytest.raises(SoTeacherConfigError, match='sample_idx'):
        model.loss(torch.randn(2, 3, 32, 32), [DataSample().set_gt_label(0)] * 2)
    losses = model.loss(torch.randn(2, 3, 32, 32),
                        [DataSample(metainfo=dict(sample_idx=i)).set_gt_label(0)
                         for i in range(2)])
    assert set(losses) >= {'loss_ce', 'loss_cr', 'loss_lip', 'lambda_cr'}
