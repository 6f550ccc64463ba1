"""R_Lip, SoTeacher's Lipschitz regularizer (docs/en/methods.md 1.1).

An upper-bound surrogate of the network's Lipschitz constant, recomputed from the current
weights at every call (no power iteration), summed over leaf modules::

    R_Lip(f) = sum_{Conv2d W}  sum_{ij..} |W_ij..|              (entry-wise L1 norm)
             + sum_{BN}        max_c |gamma_c| / sqrt(v_c + eps)   (v: running var, no grad)
             + sum_{Linear W}  max_j sum_i |W_ij|                  (induced L1 operator norm)

Every other module contributes 0. The loss returns ``loss_weight * R_Lip``.
"""
import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm

from sokd_mm.errors import SokdError
from sokd_mm.registry import SHARED_MODELS


def lipschitz_bound(module: nn.Module) -> torch.Tensor:
    terms = []
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            terms.append(m.weight.abs().sum())
        elif isinstance(m, _BatchNorm) and m.running_var is not None:
            scale = m.weight.abs() if m.weight is not None else torch.ones_like(m.running_var)
            terms.append((scale / torch.sqrt(m.running_var + m.eps)).max())
        elif isinstance(m, nn.Linear):
            terms.append(m.weight.abs().sum(dim=0).max())
    if not terms:
        return torch.zeros(())
    return torch.stack(terms).sum()


class LipschitzConfigError(SokdError, ValueError):
    """A LipschitzLoss hyperparameter out of range."""


@SHARED_MODELS.register_module()
class LipschitzLoss(nn.Module):
    """``loss_weight * R_Lip(module)``; call it on any ``nn.Module``."""

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        if isinstance(loss_weight, bool) or not isinstance(loss_weight, (int, float)) \
                or loss_weight < 0:
            raise LipschitzConfigError(
                f'LipschitzLoss: loss_weight must be a number >= 0, got {loss_weight!r}')
        self.loss_weight = float(loss_weight)

    def forward(self, module: nn.Module) -> torch.Tensor:
        return self.loss_weight * lipschitz_bound(module)
