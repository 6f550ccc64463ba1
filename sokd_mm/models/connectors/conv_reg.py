"""FitNet's regressor: map a student feature map onto the teacher's channels and size.

As in the CRD/RepDistiller suite: a convolution chosen from the two shapes (stride-2 3x3 conv
when the student map is twice as large, a stride-2 4x4 transposed conv when it is half as
large, otherwise a ``(1 + Hs - Ht) x (1 + Ws - Wt)`` conv, i.e. 1x1 for equal sizes), then
BatchNorm and ReLU. mmrazor's ``ConvModuleConnector`` cannot change the spatial size, hence
this connector.
"""
from typing import Sequence

import torch
import torch.nn as nn
from mmrazor.models.architectures.connectors.base_connector import BaseConnector

from sokd_mm.errors import SokdError
from sokd_mm.registry import DISTILL_MODELS


class ConnectorShapeError(SokdError, ValueError):
    """The student and teacher feature shapes cannot be reconciled by this connector."""


@DISTILL_MODELS.register_module()
class ConvRegConnector(BaseConnector):
    """Args:
        student_shape: ``(C, H, W)`` of the student feature.
        teacher_shape: ``(C, H, W)`` of the teacher feature.
        use_relu: end with ReLU (FitNet's regressor does).
    """

    def __init__(self, student_shape: Sequence[int], teacher_shape: Sequence[int],
                 use_relu: bool = True, init_cfg=None) -> None:
        super().__init__(init_cfg)
        if len(student_shape) != 3 or len(teacher_shape) != 3:
            raise ConnectorShapeError(
                'ConvRegConnector: student_shape and teacher_shape must be (C, H, W), got '
                f'{tuple(student_shape)} and {tuple(teacher_shape)}')
        (s_c, s_h, s_w), (t_c, t_h, t_w) = student_shape, teacher_shape
        self.student_shape, self.teacher_shape = tuple(student_shape), tuple(teacher_shape)
        if s_h == 2 * t_h and s_w == 2 * t_w:
            self.conv = nn.Conv2d(s_c, t_c, 3, stride=2, padding=1)
        elif 2 * s_h == t_h and 2 * s_w == t_w:
            self.conv = nn.ConvTranspose2d(s_c, t_c, 4, stride=2, padding=1)
        elif s_h >= t_h and s_w >= t_w:
            self.conv = nn.Conv2d(s_c, t_c, (1 + s_h - t_h, 1 + s_w - t_w))
        else:
            raise ConnectorShapeError(
                f'ConvRegConnector cannot map a student feature of shape {self.student_shape} '
                f'onto a teacher feature of shape {self.teacher_shape}: the student map must be '
                'twice, half, or at least the teacher size. Choose hint layers with compatible '
                'spatial sizes (see the stage table in docs/en/model_zoo.md).')
        self.bn = nn.BatchNorm2d(t_c)
        self.relu = nn.ReLU(inplace=True) if use_relu else nn.Identity()

    def forward_train(self, feature: torch.Tensor) -> torch.Tensor:
        if tuple(feature.shape[1:]) != self.student_shape:
            raise ConnectorShapeError(
                f'ConvRegConnector was configured for student features of shape '
                f'{self.student_shape} but received {tuple(feature.shape[1:])}; set '
                'student_shape to the received shape '
                '(model.distiller.connectors.<name>.student_shape).')
        return self.relu(self.bn(self.conv(feature)))


@DISTILL_MODELS.register_module()
class ThreeBlockConvRegConnector(ConvRegConnector):
    """SoKD's regressor (the authors' code, docs/en/methods.md 2.3): FitNet's ConvReg block (conv or
    strided / transposed conv chosen from the shapes, BN, ReLU) followed by two more blocks of
    conv 3x3 (C_t -> C_t, padding 1) + BN + ReLU. The deeper mapping gives the student side
    room to match a refined teacher feature without bending the student's own feature.
    """

    def __init__(self, student_shape: Sequence[int], teacher_shape: Sequence[int],
                 init_cfg=None) -> None:
        super().__init__(student_shape, teacher_shape, use_relu=True, init_cfg=init_cfg)
        channels = self.teacher_shape[0]
        self.blocks = nn.Sequential(*[
            nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1),
                          nn.BatchNorm2d(channels), nn.ReLU(inplace=True))
            for _ in range(2)])

    def forward_train(self, feature: torch.Tensor) -> torch.Tensor:
        return self.blocks(super().forward_train(feature))
