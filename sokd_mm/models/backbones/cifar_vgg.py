"""VGG with BatchNorm for CIFAR, as in the CRD/RepDistiller suite (vgg8/11/13/16/19).

Five conv blocks named ``block0..block4`` (RepDistiller's names) with max-pools between them;
the last ReLU of each block is applied outside it, by its own parameter-free module ``reluN``:
a recorder on ``blockN`` sees the pre-activation (the references' ``preact_feats``), one on
``reluN`` the activation (their ``feats``, e.g. FitNet's hint ``feats[2]`` = ``relu2``). The
classifier ``Linear(512, C)`` lives in the head.
"""
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.backbones.base_backbone import BaseBackbone

from sokd_mm.errors import ConfigError
from sokd_mm.registry import CLS_MODELS

VGG_CFGS = {
    8: [[64], [128], [256], [512], [512]],
    11: [[64], [128], [256, 256], [512, 512], [512, 512]],
    13: [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
    16: [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]],
    19: [[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4],
}


def _make_block(widths: List[int], in_channels: int) -> nn.Sequential:
    layers = []
    for w in widths:
        layers += [nn.Conv2d(in_channels, w, 3, padding=1), nn.BatchNorm2d(w),
                   nn.ReLU(inplace=True)]
        in_channels = w
    return nn.Sequential(*layers[:-1])


@CLS_MODELS.register_module()
class CifarVGG(BaseBackbone):
    """VGG-``depth`` with BN. Stage outputs: ``block0`` / ``relu0`` (32x32), ``block1`` /
    ``relu1`` (16x16), ``block2`` / ``relu2`` (8x8), ``block3`` / ``relu3`` and ``block4`` /
    ``relu4`` (4x4, before the global pooling)."""

    def __init__(self, depth: int, init_cfg=None) -> None:
        super().__init__(init_cfg)
        if depth not in VGG_CFGS:
            raise ConfigError(f'CifarVGG: depth must be one of {sorted(VGG_CFGS)}, got {depth}')
        cfg = VGG_CFGS[depth]
        in_channels = 3
        for i, widths in enumerate(cfg):
            self.add_module(f'block{i}', _make_block(widths, in_channels))
            self.add_module(f'relu{i}', nn.ReLU())
            in_channels = widths[-1]
        self.out_channels = in_channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        for i in range(3):
            x = F.max_pool2d(getattr(self, f'relu{i}')(getattr(self, f'block{i}')(x)), 2)
        x = self.relu3(self.block3(x))
        # As in the reference: a 4th max-pool only for 64x64 inputs (Tiny-ImageNet).
        if x.shape[-1] > 4:
            x = F.max_pool2d(x, 2)
        return (self.relu4(self.block4(x)), )
