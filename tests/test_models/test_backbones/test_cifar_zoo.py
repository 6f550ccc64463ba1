"""Every zoo model builds from its base config, matches the CRD/RepDistiller parameter count
and gives 100 logits for a 32x32 input."""
import pytest
import torch

from sokd_mm.utils.complexity import build_base_classifier
from sokd_mm.utils.config_helpers import available_base_models

# METHODS.md section 3: parameter counts (millions) of the reference implementations.
REFERENCE_PARAMS_M = {
    'resnet20': 0.28, 'resnet56': 0.86, 'resnet110': 1.74, 'resnet8x4': 1.23,
    'resnet32x4': 7.43, 'wrn_16_2': 0.70, 'wrn_40_2': 2.26, 'vgg8': 3.97, 'vgg13': 9.46,
    'mobilenetv2': 0.81, 'shufflev1': 0.95, 'shufflev2': 1.36, 'resnet50': 23.71,
}
ZOO = ['resnet8', 'resnet14', 'resnet20', 'resnet32', 'resnet44', 'resnet56', 'resnet110',
       'resnet8x4', 'resnet32x4', 'resnet50', 'wrn_16_1', 'wrn_16_2', 'wrn_40_1', 'wrn_40_2',
       'vgg8', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'mobilenetv2', 'shufflev1', 'shufflev2']


def test_every_zoo_architecture_has_a_base_config():
    assert sorted(available_base_models('cifar100')) == sorted(ZOO)


@pytest.mark.parametrize('arch', ZOO)
def test_builds_and_gives_100_logits(arch):
    model = build_base_classifier(arch).eval()
    with torch.no_grad():
        logits = model(torch.randn(2, 3, 32, 32), mode='tensor')
    assert logits.shape == (2, 100)
    if arch in REFERENCE_PARAMS_M:
        params = sum(p.numel() for p in model.parameters()) / 1e6
        assert params == pytest.approx(REFERENCE_PARAMS_M[arch], rel=0.01), params


def test_depth_that_no_cifar_resnet_has_is_refused():
    from sokd_mm.models.backbones import CifarResNet
    with pytest.raises(ValueError, match='depth 21'):
        CifarResNet(21)
