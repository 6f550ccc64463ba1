"""CIFAR ResNets of the CRD/RepDistiller suite (resnet8 ... resnet110, resnet8x4/32x4, ResNet-50).

Module names follow RepDistiller (``conv1``, ``bn1``, ``layer1..3``, ``layerN.i.conv1`` ...) so that
community checkpoints convert by adding a prefix
(``tools/model_converters/convert_repdistiller.py``).
Each block ends with its own parameter-free ``relu_out`` (not in place): mmrazor's
``ModuleInputs`` recorder on ``layerN.<last>.relu_out`` gives the stage's pre-activation
feature (the references' ``preact_feats``, used by ReviewKD), ``ModuleOutputs`` on ``layerN``
the activation (their ``feats``). The classifier is not part of the backbone: the mmpretrain
neck pools globally (the suite's ``AvgPool2d(8)`` on an 8x8 map is a global average) and
``LinearClsHead`` holds ``fc``.
"""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone

from sokd_mm.errors import ConfigError
from sokd_mm.registry import CLS_MODELS


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module = None, shortcut_name: str = 'downsample') -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu_out = nn.ReLU()
        self.shortcut_name = shortcut_name
        self.add_module(shortcut_name, downsample)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = getattr(self, self.shortcut_name)
        identity = x if shortcut is None else shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu_out(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module = None, shortcut_name: str = 'downsample') -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.relu_out = nn.ReLU()
        self.shortcut_name = shortcut_name
        self.add_module(shortcut_name, downsample)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = getattr(self, self.shortcut_name)
        identity = x if shortcut is None else shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu_out(out + identity)


def _make_layer(block: type, inplanes: int, planes: int, blocks: int,
                stride: int, shortcut: str) -> Tuple[nn.Sequential, int]:
    """A stage of ``blocks`` blocks; ``shortcut`` is the downsample module's name
    (RepDistiller's resnet.py says ``downsample``, its resnetv2.py ``shortcut``)."""
    layers = []
    for i in range(blocks):
        s = stride if i == 0 else 1
        downsample = None
        if s != 1 or inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * block.expansion, 1, s, bias=False),
                nn.BatchNorm2d(planes * block.expansion))
        layers.append(block(inplanes, planes, s, downsample, shortcut))
        inplanes = planes * block.expansion
    return nn.Sequential(*layers), inplanes


@CLS_MODELS.register_module()
class CifarResNet(BaseBackbone):
    """RepDistiller's CIFAR ResNet: a 3x3 stem and three stages of ``(depth - 2) / 6`` basic
    blocks (``(depth - 2) / 9`` bottlenecks), strides 1, 2, 2.

    Args:
        depth: 8, 14, 20, 32, 44, 56, 110 ...
        num_filters: stem width then the width of each stage: ``(16, 16, 32, 64)`` for the
            plain ResNets, ``(32, 64, 128, 256)`` for resnet8x4/resnet32x4.
        block: ``'basic'`` or ``'bottleneck'``.

    Stage outputs (recorder names): ``layer1`` (32x32), ``layer2`` (16x16), ``layer3`` (8x8).
    """

    def __init__(self, depth: int, num_filters: Sequence[int] = (16, 16, 32, 64),
                 block: str = 'basic', init_cfg=None) -> None:
        super().__init__(init_cfg)
        if block not in ('basic', 'bottleneck'):
            raise ConfigError(f"CifarResNet: block must be 'basic' or 'bottleneck', got {block!r}")
        block_cls, per = (BasicBlock, 6) if block == 'basic' else (Bottleneck, 9)
        if (depth - 2) % per != 0:
            raise ConfigError(f'CifarResNet: depth {depth} with {block} blocks must satisfy '
                             f'(depth - 2) % {per} == 0, e.g. 20, 32, 56, 110')
        if len(num_filters) != 4:
            raise ConfigError('CifarResNet: num_filters needs 4 widths (stem, stage1..3), '
                             f'got {tuple(num_filters)}')
        n = (depth - 2) // per
        self.conv1 = nn.Conv2d(3, num_filters[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(num_filters[0])
        self.relu = nn.ReLU(inplace=True)
        inplanes = num_filters[0]
        self.layer1, inplanes = _make_layer(block_cls, inplanes, num_filters[1], n, 1, 'downsample')
        self.layer2, inplanes = _make_layer(block_cls, inplanes, num_filters[2], n, 2, 'downsample')
        self.layer3, inplanes = _make_layer(block_cls, inplanes, num_filters[3], n, 2, 'downsample')
        self.out_channels = inplanes

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.relu(self.bn1(self.conv1(x)))
        return (self.layer3(self.layer2(self.layer1(x))), )


@CLS_MODELS.register_module()
class CifarResNetV2(BaseBackbone):
    """RepDistiller's ImageNet-style ResNet for CIFAR (its ``resnetv2.py``, used for the
    ResNet-50 teacher): 3x3 stem without max-pool, four bottleneck stages at strides 1, 2, 2, 2.

    Stage outputs: ``layer1`` (32x32), ``layer2`` (16x16), ``layer3`` (8x8), ``layer4`` (4x4).
    """

    def __init__(self, num_blocks: Sequence[int] = (3, 4, 6, 3), init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.conv1 = nn.Conv2d(3, 64, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        inplanes = 64
        for i, (planes, stride) in enumerate(zip((64, 128, 256, 512), (1, 2, 2, 2))):
            layer, inplanes = _make_layer(Bottleneck, inplanes, planes, num_blocks[i], stride,
                                          'shortcut')
            self.add_module(f'layer{i + 1}', layer)
        self.out_channels = inplanes

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.relu(self.bn1(self.conv1(x)))
        for i in range(1, 5):
            x = getattr(self, f'layer{i}')(x)
        return (x, )
