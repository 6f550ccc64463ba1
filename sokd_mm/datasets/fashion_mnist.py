"""Fashion-MNIST from its four original IDX gz files, checked, never downloaded.

mmpretrain's ``FashionMNIST`` reads *unpacked* files and downloads when they are missing; here
the data must be exactly the four official ``*-idx?-ubyte.gz`` files (as published and as
Debian's ``dataset-fashion-mnist`` package installs them), parsed with mmpretrain's IDX reader
after a header check. The 28x28 grey images are padded to 32x32 (2 black pixels each side, the
background is black) and repeated to three channels, so every CIFAR architecture of the zoo
runs unchanged. Each sample keeps its position in the split as ``sample_idx`` (SoTeacher).
"""
import gzip
import os.path as osp
import struct
import warnings
from typing import List, Optional, Sequence

import numpy as np
from mmpretrain.datasets import FashionMNIST
from mmpretrain.datasets.mnist import read_sn3_pascalvincent_tensor

from .errors import DatasetError
from sokd_mm.registry import CLS_DATASETS

DEBIAN_ROOT = '/usr/share/datasets/fashion-mnist'
DEFAULT_ROOT = 'data/fashion-mnist'  # the configs' data_root
FILES = dict(train=('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
             test=('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'))
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
_HOW_TO_GET = ('Fashion-MNIST needs the four original files {files} in {root}. Get them with '
               '`apt-get install dataset-fashion-mnist` (Debian/Ubuntu; installs them in '
               f'{DEBIAN_ROOT}, which is read when data_root is left at {DEFAULT_ROOT} and holds '
               'nothing) or download them '
               'from https://github.com/zalandoresearch/fashion-mnist (data/fashion/) into '
               '{root}; or point data_root elsewhere (--cfg-options '
               'train_dataloader.dataset.data_root=... val_dataloader.dataset.data_root=... '
               'test_dataloader.dataset.data_root=...).')


def _read_header(path: str, magic: int, ndim: int) -> tuple:
    try:
        with gzip.open(path, 'rb') as f:
            header = f.read(4 * (1 + ndim))
    except (OSError, EOFError) as e:
        raise DatasetError(f'{path} is not a readable gzip file ({e}): re-download it.') from None
    if len(header) < 4 * (1 + ndim) or struct.unpack('>I', header[:4])[0] != magic:
        raise DatasetError(f'{path} is not an IDX file of the expected kind (magic number '
                           f'{magic}): the file is corrupt or swapped with another.')
    return struct.unpack(f'>{ndim}I', header[4:])


@CLS_DATASETS.register_module()
class OfflineFashionMNIST(FashionMNIST):
    """Fashion-MNIST read from ``{data_root}/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``.

    Args:
        data_root: folder holding the four files (default ``data/fashion-mnist``); when it
            is left at that default, holds none of them and Debian's copy exists, that copy
            is read. A data root given by the user must hold the files.
        split: ``'train'`` (60,000) or ``'test'`` (10,000).
        index_range: ``(start, stop)``: only the split's images ``start <= i < stop`` (e.g. a
            validation set held out of the training split: ``split='train',
            index_range=(55000, 60000)``, with training on ``index_range=(0, 55000)`` or
            ``indices=5000``); ``None``: all.
    """

    def __init__(self, data_root: str = 'data/fashion-mnist', split: str = 'train',
                 index_range: Optional[Sequence[int]] = None, **kwargs) -> None:
        if split not in FILES:
            raise DatasetError(f"OfflineFashionMNIST: split must be 'train' or 'test', got "
                               f'{split!r}')
        if index_range is not None and (
                len(index_range) != 2 or not all(isinstance(i, int) for i in index_range)
                or not 0 <= index_range[0] < index_range[1]):
            raise DatasetError(f'OfflineFashionMNIST: index_range={index_range!r}; expected '
                               '(start, stop) with 0 <= start < stop, e.g. (55000, 60000).')
        self.index_range = tuple(index_range) if index_range is not None else None
        kwargs.pop('download', None)
        root = self.resolve_root(data_root)
        from mmengine.logging import MMLogger
        MMLogger.get_current_instance().info(f'Fashion-MNIST {split} split: reading {root}')
        super().__init__(data_root=root, split=split, download=False, **kwargs)

    @staticmethod
    def resolve_root(data_root: str, fallback: Optional[str] = None,
                     default: str = DEFAULT_ROOT) -> str:
        """``data_root`` when it holds any of the files or is not the ``default`` (a folder
        the user chose is read or refused, never silently replaced), else Debian's copy
        (``fallback``) when it holds all four."""
        fallback = DEBIAN_ROOT if fallback is None else fallback
        names = [n for pair in FILES.values() for n in pair]
        if any(osp.isfile(osp.join(data_root, n)) for n in names) or \
                osp.abspath(data_root) != osp.abspath(default):
            return data_root
        if fallback and all(osp.isfile(osp.join(fallback, n)) for n in names):
            return fallback
        return data_root

    def load_data_list(self) -> List[dict]:
        root = self.data_prefix['root']
        image_file, label_file = (osp.join(root, n) for n in FILES[self.split])
        missing = [p for p in (image_file, label_file) if not osp.isfile(p)]
        if missing:
            raise DatasetError(f'Fashion-MNIST file(s) {", ".join(missing)} not found. '
                               + _HOW_TO_GET.format(files=', '.join(FILES[self.split]),
                                                    root=root))
        count, height, width = _read_header(image_file, IMAGE_MAGIC, 3)
        (num_labels, ) = _read_header(label_file, LABEL_MAGIC, 1)
        if (height, width) != (28, 28) or count != num_labels:
            raise DatasetError(f'{image_file} holds {count} images of {height}x{width} and '
                               f'{label_file} {num_labels} labels; Fashion-MNIST has 28x28 '
                               'images and one label each. Re-download the files.')
        try:
            with warnings.catch_warnings():  # mmpretrain's reader wraps a read-only buffer
                warnings.filterwarnings('ignore', message='The given NumPy array is not writable')
                images = read_sn3_pascalvincent_tensor(image_file).numpy()
                labels = read_sn3_pascalvincent_tensor(label_file).numpy().astype(np.int64)
        except (AssertionError, ValueError, RuntimeError, EOFError, OSError) as e:
            raise DatasetError(f'{image_file} or {label_file} is truncated or corrupt ({e}): '
                               're-download it.') from None
        if len(labels) and not 0 <= labels.min() <= labels.max() < 10:
            raise DatasetError(f'{label_file} has labels outside 0..9: not Fashion-MNIST.')
        padded = np.pad(images, ((0, 0), (2, 2), (2, 2)))               # N x 32 x 32
        rgb = np.repeat(padded[..., None], 3, axis=3)                    # N x 32 x 32 x 3
        items = [{'img': img, 'gt_label': int(label)} for img, label in zip(rgb, labels)]
        if self.index_range is not None:
            start, stop = self.index_range
            if stop > len(items):
                raise DatasetError(f'OfflineFashionMNIST: index_range=({start}, {stop}) goes '
                                   f'past the {len(items)} images of the {self.split} split.')
            items = items[start:stop]
        return items
