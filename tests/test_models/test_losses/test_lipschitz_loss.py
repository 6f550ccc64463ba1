"""R_Lip (METHODS.md 1.1) against an independent element-by-element computation."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from sokd_mm.models.losses import LipschitzLoss
from sokd_mm.utils.complexity import build_base_classifier


def reference_bound(model: nn.Module) -> float:
    """Sum of the table's contributions, computed with numpy from named tensors."""
    total = 0.0
    for name, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            total += np.abs(m.weight.detach().numpy()).sum()
        elif isinstance(m, nn.BatchNorm2d):
            g = m.weight.detach().numpy()
            v = m.running_var.numpy()
            total += max(abs(g[c]) / np.sqrt(v[c] + m.eps) for c in range(len(g)))
        elif isinstance(m, nn.Linear):
            w = m.weight.detach().numpy()  # out x in
            total += max(sum(abs(w[i, j]) for i in range(w.shape[0])) for j in range(w.shape[1]))
    return float(total)


def test_each_leaf_kind():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3)
    assert LipschitzLoss()(conv).item() == pytest.approx(conv.weight.abs().sum().item())
    bn = nn.BatchNorm2d(5)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, -3.0, 0.5, 2.0, 0.1]))
        bn.running_var.copy_(torch.tensor([1.0, 4.0, 0.25, 9.0, 1.0]))
    # channel 1: 3 / sqrt(4 + eps) = 1.5 is the largest
    assert LipschitzLoss()(bn).item() == pytest.approx(3 / np.sqrt(4 + 1e-5), rel=1e-6)
    lin = nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, -2.0, 0.5], [3.0, 0.5, -0.5]]))
    # column sums of |W|: 4, 2.5, 1 -> 4 (bias ignored)
    assert LipschitzLoss()(lin).item() == pytest.approx(4.0)
    assert LipschitzLoss()(nn.ReLU()).item() == 0.0


def test_whole_cifar_resnet_and_weight():
    torch.manual_seed(0)
    model = build_base_classifier('resnet20')
    model.train()
    with torch.no_grad():
        model(torch.randn(8, 3, 32, 32), mode='tensor')  # non-trivial running variances
    assert LipschitzLoss(loss_weight=2.0)(model).item() == pytest.approx(
        2.0 * reference_bound(model), rel=1e-5)


def test_gradient_reaches_gamma_not_running_var():
    bn = nn.BatchNorm2d(3)
    LipschitzLoss()(bn).backward()
    assert bn.weight.grad is not None and bn.weight.grad.abs().sum() > 0
    assert not bn.running_var.requires_grad


@pytest.mark.parametrize('bad', [-1.0, 'high', True])
def test_bad_weight_is_refused(bad):
    with pytest.raises(ValueError, match='loss_weight'):
        LipschitzLoss(loss_weight=bad)
