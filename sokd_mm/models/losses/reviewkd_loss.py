"""ReviewKD (Chen et al., "Distilling Knowledge via Knowledge Review", CVPR 2021).

The student's stage features, deepest first, are fused by attention-based fusion (ABF) blocks
into a residual "review" path; each fused feature is compared with the teacher feature of the
same stage by the hierarchical context loss (HCL)::

    HCL(F_s, F_t) = [ MSE(F_s, F_t) + sum_{l in (4, 2, 1), l < H} 2^-k MSE(P_l F_s, P_l F_t) ]
                    / (1 + sum 2^-k)                    (P_l: adaptive average pooling to l x l)
    L = min(e / warmup_epochs, 1) * loss_weight * sum_stages HCL

As the ReviewKD authors' code: ABF convolutions initialised with ``kaiming_uniform_(a=1)``, a
linear warm-up over the first ``warmup_epochs`` (20) epochs, and (in the pair configs)
pre-activation stage features of student and teacher.

mmrazor has no ReviewKD, and its connectors map one recorder each, while the review path mixes
all stages; so the ABF blocks live in this loss (the student optimizer trains them).
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from sokd_mm.errors import ConfigError
from .warmup import check_warmup_epochs, warmup_factor
from sokd_mm.registry import DISTILL_MODELS


class ABF(nn.Module):
    """Attention-based fusion of a stage feature with the review path from deeper stages."""

    def __init__(self, in_channels: int, mid_channels: int, out_channels: int,
                 fuse: bool) -> None:
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(in_channels, mid_channels, 1, bias=False),
                                   nn.BatchNorm2d(mid_channels))
        self.conv2 = nn.Sequential(nn.Conv2d(mid_channels, out_channels, 3, padding=1,
                                             bias=False), nn.BatchNorm2d(out_channels))
        self.att_conv = nn.Sequential(nn.Conv2d(mid_channels * 2, 2, 1), nn.Sigmoid()) \
            if fuse else None
        nn.init.kaiming_uniform_(self.conv1[0].weight, a=1)
        nn.init.kaiming_uniform_(self.conv2[0].weight, a=1)

    def forward(self, x: torch.Tensor, residual: Optional[torch.Tensor] = None):
        x = self.conv1(x)
        if self.att_conv is not None:
            residual = F.interpolate(residual, size=x.shape[-2:], mode='nearest')
            weights = self.att_conv(torch.cat([x, residual], dim=1))
            x = x * weights[:, :1] + residual * weights[:, 1:]
        return self.conv2(x), x


def hcl_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    h = student.shape[-1]
    loss, weight, total = F.mse_loss(student, teacher), 1.0, 1.0
    for level in (4, 2, 1):
        if level >= h:
            continue
        weight /= 2.0
        loss = loss + weight * F.mse_loss(F.adaptive_avg_pool2d(student, level),
                                          F.adaptive_avg_pool2d(teacher, level))
        total += weight
    return loss / total


@DISTILL_MODELS.register_module()
class ReviewKDLoss(nn.Module):
    """Args:
        in_channels: student channels per stage, shallow to deep.
        out_channels: teacher channels per stage, shallow to deep.
        mid_channels: width of the review path.
        loss_weight: weight of the summed HCL.
        warmup_epochs: epochs of the linear warm-up (20, the authors'; 0 turns it off).
    The forward takes ``student_0 .. student_{n-1}`` and ``teacher_0 .. teacher_{n-1}``
    (shallow to deep, up to 5 stages); pooled 1-D embeddings are used as 1x1 maps.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: Sequence[int],
                 mid_channels: int = 64, loss_weight: float = 1.0,
                 warmup_epochs: int = 20) -> None:
        super().__init__()
        if len(in_channels) != len(out_channels) or not 1 <= len(in_channels) <= 5:
            raise ConfigError('ReviewKDLoss: in_channels and out_channels need the same length '
                             f'(1..5 stages), got {list(in_channels)} and {list(out_channels)}')
        self.loss_weight = loss_weight
        self.warmup_epochs = check_warmup_epochs('ReviewKDLoss', warmup_epochs)
        n = len(in_channels)
        # abfs[i] handles stage n-1-i (deepest first); the deepest does not fuse.
        self.abfs = nn.ModuleList(
            ABF(in_channels[n - 1 - i], mid_channels, out_channels[n - 1 - i], fuse=i > 0)
            for i in range(n))

    @staticmethod
    def _as_map(x: torch.Tensor) -> torch.Tensor:
        if isinstance(x, (tuple, list)):
            x = x[-1]
        return x.view(x.shape[0], -1, 1, 1) if x.dim() == 2 else x

    def review(self, student: List[torch.Tensor]) -> List[torch.Tensor]:
        outs, residual = [], None
        for abf, feat in zip(self.abfs, student[::-1]):
            out, residual = abf(feat, residual)
            outs.insert(0, out)
        return outs

    def forward(self, student_0, teacher_0, student_1=None, teacher_1=None, student_2=None,
                teacher_2=None, student_3=None, teacher_3=None, student_4=None,
                teacher_4=None) -> torch.Tensor:
        student = [s for s in (student_0, student_1, student_2, student_3, student_4)
                   if s is not None]
        teacher = [t for t in (teacher_0, teacher_1, teacher_2, teacher_3, teacher_4)
                   if t is not None]
        if len(student) != len(self.abfs) or len(teacher) != len(self.abfs):
            raise ConfigError(f'ReviewKDLoss was configured for {len(self.abfs)} stages but got '
                             f'{len(student)} student and {len(teacher)} teacher features; map '
                             'student_i/teacher_i for every stage in loss_forward_mappings.')
        student = [self._as_map(s) for s in student]
        teacher = [self._as_map(t) for t in teacher]
        reviewed = self.review(student)
        for i, (s, t) in enumerate(zip(reviewed, teacher)):
            if s.shape != t.shape:
                raise ConfigError(f'ReviewKD stage {i}: reviewed student feature '
                                 f'{tuple(s.shape[1:])} vs teacher {tuple(t.shape[1:])}; set '
                                 'out_channels to the teacher widths and pick stages of equal '
                                 'spatial size.')
        return warmup_factor(self.warmup_epochs) * self.loss_weight * sum(
            hcl_loss(s, t) for s, t in zip(reviewed, teacher))
