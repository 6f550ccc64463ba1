from .cifar import OfflineCIFAR100
from .digits import Digits32
from .errors import DatasetError
from .tiny_imagenet import TinyImageNet

__all__ = ['OfflineCIFAR100', 'TinyImageNet', 'Digits32', 'DatasetError']
