"""Convert RepDistiller / mdistiller CIFAR checkpoints into sokd_mm classifier checkpoints.

Those projects save ``{'model': state_dict, ...}`` or a bare state dict in their own module
naming. Our backbones keep that naming, so the conversion prefixes ``backbone.`` and moves each
architecture's final linear layer (``fc``, ``linear``, ``classifier``...) to ``head.fc``.
"""
from collections import OrderedDict
from typing import Dict

import torch

from sokd_mm.models.algorithms import extract_state_dict

# Name of the final linear layer in RepDistiller's definition of each architecture.
CLASSIFIER_NAMES = {
    **{n: 'fc' for n in ('resnet8', 'resnet14', 'resnet20', 'resnet32', 'resnet44', 'resnet56',
                         'resnet110', 'resnet8x4', 'resnet32x4', 'wrn_16_1', 'wrn_16_2',
                         'wrn_40_1', 'wrn_40_2')},
    'resnet50': 'linear',
    **{n: 'classifier' for n in ('vgg8', 'vgg11', 'vgg13', 'vgg16', 'vgg19')},
    'mobilenetv2': 'classifier.0',
    'shufflev1': 'linear',
    'shufflev2': 'linear',
}


def convert_state_dict(arch: str, state: Dict[str, torch.Tensor],
                       reference: Dict[str, torch.Tensor]) -> 'OrderedDict[str, torch.Tensor]':
    """Rename ``state`` (RepDistiller naming) to our classifier's names, checked against the
    ``reference`` state dict of ``configs/_base_/models/cifar100/<arch>.py``."""
    if arch not in CLASSIFIER_NAMES:
        raise ValueError(f'Unknown architecture {arch!r}; choose one of {sorted(CLASSIFIER_NAMES)}')
    head = CLASSIFIER_NAMES[arch] + '.'
    out = OrderedDict()
    for key, value in state.items():
        out[('head.fc.' + key[len(head):]) if key.startswith(head) else 'backbone.' + key] = value
    # Checkpoints from torch < 0.4.1 lack BN's counter; it does not affect the outputs.
    for key, value in reference.items():
        if key.endswith('num_batches_tracked') and key not in out:
            out[key] = torch.zeros_like(value)
    missing = [k for k in reference if k not in out]
    unexpected = [k for k in out if k not in reference]
    shapes = [k for k in reference if k in out and out[k].shape != reference[k].shape]
    if missing or unexpected or shapes:
        raise ValueError(
            f'The checkpoint does not match RepDistiller\'s {arch}: missing {missing[:3]}, '
            f'unexpected {unexpected[:3]}, shape mismatches {shapes[:3]}. Check ARCH.')
    return out


def convert_checkpoint(arch: str, src: str, dst: str) -> None:
    from .complexity import build_base_classifier
    checkpoint = torch.load(src, map_location='cpu', weights_only=False)
    state = extract_state_dict(checkpoint, src)
    reference = build_base_classifier(arch).state_dict()
    torch.save({'state_dict': convert_state_dict(arch, state, reference),
                'meta': dict(converted_from=src, arch=arch)}, dst)
