"""Decoupled KD (Zhao et al., CVPR 2022) as the DKD authors' code runs it: mmrazor's DKDLoss
(TCKD + NCKD at temperature T) times the linear warm-up of their trainer::

    L_DKD = min(e / warmup_epochs, 1) * loss_weight * (alpha * TCKD + beta * NCKD)

mmrazor's loss has no warm-up, so without this the first epoch weighs 20x more than in the
reference (warmup_epochs = 20 in every mdistiller CIFAR-100 and ImageNet DKD config).
"""
import torch
from mmrazor.models.losses import DKDLoss

from .warmup import check_warmup_epochs, warmup_factor
from sokd_mm.registry import DISTILL_MODELS


@DISTILL_MODELS.register_module()
class WarmupDKDLoss(DKDLoss):
    """Args:
        warmup_epochs: epochs of the linear warm-up (20; 0 turns it off).
        Everything else as mmrazor's ``DKDLoss`` (tau, alpha, beta, reduction, loss_weight).
    """

    def __init__(self, warmup_epochs: int = 20, **kwargs) -> None:
        super().__init__(**kwargs)
        self.warmup_epochs = check_warmup_epochs('WarmupDKDLoss', warmup_epochs)

    def forward(self, preds_S: torch.Tensor, preds_T: torch.Tensor,
                gt_labels: torch.Tensor) -> torch.Tensor:
        return warmup_factor(self.warmup_epochs) * super().forward(preds_S, preds_T, gt_labels)
