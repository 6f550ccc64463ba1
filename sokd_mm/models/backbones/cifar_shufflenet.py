"""ShuffleNetV1 (groups 3) and ShuffleNetV2 (1x) for CIFAR, as in the CRD/RepDistiller suite.

Module names follow RepDistiller (``conv1``, ``bn1``, ``layer1..3``; V2 also ``conv2``, ``bn2``).
"""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.backbones.base_backbone import BaseBackbone

from sokd_mm.registry import CLS_MODELS


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)


class ShuffleV1Block(nn.Module):

    def __init__(self, in_planes: int, out_planes: int, stride: int, groups: int) -> None:
        super().__init__()
        mid = out_planes // 4
        # The first block after the 24-channel stem is too narrow to group.
        self.first_groups = 1 if in_planes == 24 else groups
        self.stride = stride
        self.conv1 = nn.Conv2d(in_planes, mid, 1, groups=self.first_groups, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, out_planes, 1, groups=groups, bias=False)
        self.bn3 = nn.BatchNorm2d(out_planes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = channel_shuffle(out, self.first_groups)
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.stride == 2:
            return F.relu(torch.cat([out, F.avg_pool2d(x, 3, 2, 1)], 1))
        return F.relu(out + x)


@CLS_MODELS.register_module()
class CifarShuffleNetV1(BaseBackbone):
    """ShuffleNetV1, groups 3, widths 240/480/960. Stage outputs: ``layer1`` (16x16),
    ``layer2`` (8x8), ``layer3`` (4x4)."""

    def __init__(self, out_planes: Sequence[int] = (240, 480, 960),
                 num_blocks: Sequence[int] = (4, 8, 4), groups: int = 3, init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.conv1 = nn.Conv2d(3, 24, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(24)
        in_planes = 24
        for i, (planes, blocks) in enumerate(zip(out_planes, num_blocks)):
            layers = []
            for b in range(blocks):
                # A stride-2 block concatenates its pooled input, so it produces fewer channels.
                cat_planes = in_planes if b == 0 else 0
                layers.append(ShuffleV1Block(in_planes, planes - cat_planes, 2 if b == 0 else 1,
                                             groups))
                in_planes = planes
            self.add_module(f'layer{i + 1}', nn.Sequential(*layers))
        self.out_channels = in_planes

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = F.relu(self.bn1(self.conv1(x)))
        return (self.layer3(self.layer2(self.layer1(x))), )


class ShuffleV2Block(nn.Module):
    """Basic unit: split channels in half, transform one half, concatenate, shuffle."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        c = in_channels // 2
        self.conv1 = nn.Conv2d(c, c, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, groups=c, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv3 = nn.Conv2d(c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1, x2 = x.chunk(2, dim=1)
        out = F.relu(self.bn1(self.conv1(x2)))
        out = self.bn2(self.conv2(out))
        out = F.relu(self.bn3(self.conv3(out)))
        return channel_shuffle(torch.cat([x1, out], 1), 2)


class ShuffleV2DownBlock(nn.Module):
    """Spatial down-sampling unit: two stride-2 branches, concatenated and shuffled."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        mid = out_channels // 2
        self.conv1 = nn.Conv2d(in_channels, in_channels, 3, 2, 1, groups=in_channels, bias=False)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv2 = nn.Conv2d(in_channels, mid, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(in_channels, mid, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid)
        self.conv4 = nn.Conv2d(mid, mid, 3, 2, 1, groups=mid, bias=False)
        self.bn4 = nn.BatchNorm2d(mid)
        self.conv5 = nn.Conv2d(mid, mid, 1, bias=False)
        self.bn5 = nn.BatchNorm2d(mid)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        left = F.relu(self.bn2(self.conv2(self.bn1(self.conv1(x)))))
        right = self.bn4(self.conv4(F.relu(self.bn3(self.conv3(x)))))
        right = F.relu(self.bn5(self.conv5(right)))
        return channel_shuffle(torch.cat([left, right], 1), 2)


@CLS_MODELS.register_module()
class CifarShuffleNetV2(BaseBackbone):
    """ShuffleNetV2 1x (widths 116/232/464, 1024-wide last conv). Stage outputs: ``layer1``
    (16x16), ``layer2`` (8x8), ``layer3`` (4x4), ``bn2`` (4x4, 1024 channels, pre-ReLU)."""

    def __init__(self, out_channels: Sequence[int] = (116, 232, 464, 1024),
                 num_blocks: Sequence[int] = (3, 7, 3), init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.conv1 = nn.Conv2d(3, 24, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(24)
        in_channels = 24
        for i, (width, blocks) in enumerate(zip(out_channels[:3], num_blocks)):
            layers = [ShuffleV2DownBlock(in_channels, width)]
            layers += [ShuffleV2Block(width) for _ in range(blocks)]
            self.add_module(f'layer{i + 1}', nn.Sequential(*layers))
            in_channels = width
        self.conv2 = nn.Conv2d(in_channels, out_channels[3], 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels[3])
        self.out_channels = out_channels[3]

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return (F.relu(self.bn2(self.conv2(x))), )
