from .cifar_mobilenetv2 import CifarMobileNetV2
from .cifar_resnet import CifarResNet, CifarResNetV2
from .cifar_shufflenet import CifarShuffleNetV1, CifarShuffleNetV2
from .cifar_vgg import CifarVGG
from .cifar_wrn import CifarWideResNet

__all__ = ['CifarResNet', 'CifarResNetV2', 'CifarWideResNet', 'CifarVGG', 'CifarMobileNetV2',
           'CifarShuffleNetV1', 'CifarShuffleNetV2']
