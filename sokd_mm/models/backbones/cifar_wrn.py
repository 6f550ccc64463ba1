"""Wide ResNets (WRN-d-w) of the CRD/RepDistiller suite, pre-activation blocks, no dropout.

Module names follow RepDistiller's ``wrn.py`` (``block1.layer.0.conv1`` ...). The final
``bn1`` + ReLU belong to the backbone; its classifier ``fc`` lives in the head.
"""
from typing import Tuple

import torch
import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone

from sokd_mm.errors import ConfigError
from sokd_mm.registry import CLS_MODELS


class WideBasicBlock(nn.Module):

    def __init__(self, in_planes: int, out_planes: int, stride: int) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_planes, out_planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_planes, out_planes, 3, 1, 1, bias=False)
        self.equal_in_out = in_planes == out_planes
        # RepDistiller's name for the projection shortcut; absent when shapes already agree.
        self.convShortcut = None if self.equal_in_out else nn.Conv2d(
            in_planes, out_planes, 1, stride, 0, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = self.relu1(self.bn1(x))
        out = self.relu2(self.bn2(self.conv1(pre)))
        out = self.conv2(out)
        # As in the reference: an equal-width block adds its raw input, a projecting block
        # projects the pre-activated input.
        return out + (x if self.equal_in_out else self.convShortcut(pre))


class NetworkBlock(nn.Module):

    def __init__(self, nb_layers: int, in_planes: int, out_planes: int, stride: int) -> None:
        super().__init__()
        self.layer = nn.Sequential(*[
            WideBasicBlock(in_planes if i == 0 else out_planes, out_planes,
                           stride if i == 0 else 1) for i in range(nb_layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)


@CLS_MODELS.register_module()
class CifarWideResNet(BaseBackbone):
    """WRN-depth-widen_factor: three stages of ``(depth - 4) / 6`` blocks of widths
    16w, 32w, 64w.

    Stage outputs (recorder names): ``block1`` (32x32), ``block2`` (16x16), ``block3`` (8x8,
    before the final BN), ``relu`` (8x8, after it).
    """

    def __init__(self, depth: int, widen_factor: int, init_cfg=None) -> None:
        super().__init__(init_cfg)
        if (depth - 4) % 6 != 0:
            raise ConfigError(f'CifarWideResNet: depth {depth} must satisfy (depth - 4) % 6 == 0, '
                             'e.g. 16, 28, 40')
        n = (depth - 4) // 6
        widths = [16, 16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.block1 = NetworkBlock(n, widths[0], widths[1], 1)
        self.block2 = NetworkBlock(n, widths[1], widths[2], 2)
        self.block3 = NetworkBlock(n, widths[2], widths[3], 2)
        self.bn1 = nn.BatchNorm2d(widths[3])
        self.relu = nn.ReLU(inplace=True)
        self.out_channels = widths[3]

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.block3(self.block2(self.block1(self.conv1(x))))
        return (self.relu(self.bn1(x)), )
