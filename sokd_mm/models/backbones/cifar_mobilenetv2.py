"""MobileNetV2 for CIFAR as in the CRD/RepDistiller suite (width 0.5, expansion 6).

Differences from ImageNet MobileNetV2, kept for parameter-count fidelity (0.81M at 100 classes):
the second group runs at stride 1, every block has its point-wise expansion conv (also when
t = 1), and the last conv is always 1280 wide. Module names follow RepDistiller
(``conv1``, ``blocks.G.B.conv``, ``conv2``).
"""
from typing import Tuple

import torch
import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone

from sokd_mm.errors import ConfigError
from sokd_mm.registry import CLS_MODELS

# (expansion t, channels c, repeats n, stride s) per group; t = None means "use T".
_SETTINGS = ((1, 16, 1, 1), (None, 24, 2, 1), (None, 32, 3, 2), (None, 64, 4, 2),
             (None, 96, 3, 1), (None, 160, 3, 2), (None, 320, 1, 1))


def _conv_bn_relu(inp: int, oup: int, kernel: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(inp, oup, kernel, stride, kernel // 2, bias=False),
                         nn.BatchNorm2d(oup), nn.ReLU(inplace=True))


class InvertedResidual(nn.Module):

    def __init__(self, inp: int, oup: int, stride: int, expand_ratio: int) -> None:
        super().__init__()
        hidden = inp * expand_ratio
        self.use_res_connect = stride == 1 and inp == oup
        self.conv = nn.Sequential(
            nn.Conv2d(inp, hidden, 1, 1, 0, bias=False), nn.BatchNorm2d(hidden),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU(inplace=True),
            nn.Conv2d(hidden, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


@CLS_MODELS.register_module()
class CifarMobileNetV2(BaseBackbone):
    """Stage outputs (recorder names): ``blocks.1`` (16x16), ``blocks.2`` (8x8),
    ``blocks.4`` (4x4), ``blocks.6`` (2x2), ``conv2`` (2x2, 1280 channels)."""

    def __init__(self, widen_factor: float = 0.5, expand_ratio: int = 6,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        if widen_factor <= 0:
            raise ConfigError(f'CifarMobileNetV2: widen_factor must be > 0, got {widen_factor}')
        input_channel = int(32 * widen_factor)
        self.conv1 = _conv_bn_relu(3, input_channel, 3, 2)
        self.blocks = nn.ModuleList()
        for t, c, n, s in _SETTINGS:
            output_channel = int(c * widen_factor)
            group = []
            for i in range(n):
                group.append(InvertedResidual(input_channel, output_channel, s if i == 0 else 1,
                                              expand_ratio if t is None else t))
                input_channel = output_channel
            self.blocks.append(nn.Sequential(*group))
        self.conv2 = _conv_bn_relu(input_channel, 1280, 1, 1)
        self.out_channels = 1280

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.conv1(x)
        for group in self.blocks:
            x = group(x)
        return (self.conv2(x), )
