from .cifar import OfflineCIFAR100
from .crd_dataset import CRDContrastDataset
from .digits import Digits32
from .errors import DatasetError
from .fashion_mnist import OfflineFashionMNIST
from .tiny_imagenet import TinyImageNet
from .worker_seeding import epoch_seeded_worker_init

__all__ = ['OfflineCIFAR100', 'CRDContrastDataset', 'TinyImageNet', 'Digits32',
           'OfflineFashionMNIST', 'DatasetError', 'epoch_seeded_worker_init']
