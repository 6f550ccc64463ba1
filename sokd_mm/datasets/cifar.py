"""CIFAR-100 from the original ``cifar-100-python`` pickles, checked, never downloaded.

mmpretrain's ``CIFAR100`` downloads by default and fails with a bare assertion when files are
missing; distillation runs need exactly the original files, so this subclass only reads them,
verifies their md5 unless told not to (re-packed data, test fixtures), recognises CIFAR-10 or
other data placed by mistake, and says where to put the files and how to get them. Each sample
keeps its position in the split as ``sample_idx`` (mmengine adds it; ``PackInputs`` packs it),
which SoTeacher's per-sample ensemble needs.
"""
import os.path as osp
import pickle
from typing import List

import numpy as np
from mmpretrain.datasets import CIFAR100
from mmpretrain.datasets.utils import check_md5

from .errors import DatasetError
from sokd_mm.registry import CLS_DATASETS

_HOW_TO_GET = ('Download https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz (md5 '
               'eb9058c3a382ffc7106e4002c42a8d85) and unpack it so that {root}/cifar-100-python/ '
               'holds train, test and meta, e.g. `mkdir -p {root} && tar xzf '
               'cifar-100-python.tar.gz -C {root}`; or set data_root (--cfg-options '
               'train_dataloader.dataset.data_root=... val_dataloader.dataset.data_root=... '
               'test_dataloader.dataset.data_root=...).')


@CLS_DATASETS.register_module()
class OfflineCIFAR100(CIFAR100):
    """CIFAR-100 read from ``{data_root}/cifar-100-python/{train,test}``.

    Args:
        data_root: folder that contains ``cifar-100-python/``.
        split: ``'train'`` or ``'test'``.
        check_md5: verify the files against the official checksums (default). Set ``False``
            for re-packed files and small generated fixtures.
    """

    def __init__(self, data_root: str = '', split: str = 'train', check_md5: bool = True,
                 **kwargs) -> None:
        if split not in ('train', 'test'):
            raise DatasetError(f"OfflineCIFAR100: split must be 'train' or 'test', got {split!r}")
        self.verify_md5 = check_md5
        kwargs.pop('download', None)
        super().__init__(data_root=data_root, split=split, download=False, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = self.data_prefix['root']
        folder = osp.join(root, self.base_folder)
        files = self.train_list if self.split == 'train' else self.test_list
        for name, md5 in files:
            path = osp.join(folder, name)
            if not osp.isfile(path):
                if osp.isdir(osp.join(root, 'cifar-10-batches-py')):
                    how = _HOW_TO_GET.format(root=root.rstrip('/') or root)
                    raise DatasetError(f'{root} holds CIFAR-10 (cifar-10-batches-py), not '
                                       f'CIFAR-100. {how}')
                raise DatasetError(f'CIFAR-100 file {path} not found. '
                                   + _HOW_TO_GET.format(root=root.rstrip('/') or root))
            if self.verify_md5 and not check_md5(path, md5):
                raise DatasetError(
                    f'CIFAR-100 file {path} fails its md5 check (expected {md5}): it is corrupt '
                    'or not the official file. Re-download it, or set check_md5=False in the '
                    'dataset config if you re-packed it on purpose.')
        imgs, labels = [], []
        for name, _ in files:
            path = osp.join(folder, name)
            try:
                with open(path, 'rb') as f:
                    entry = pickle.load(f, encoding='latin1')
                data = np.asarray(entry['data'], dtype=np.uint8).reshape(-1, 3, 32, 32)
                fine = entry['fine_labels']
            except KeyError as e:
                hint = (' It has "labels" but no "fine_labels": this looks like CIFAR-10.'
                        if isinstance(entry, dict) and 'labels' in entry else '')
                raise DatasetError(f'{path} is not a CIFAR-100 pickle: key {e} missing.{hint} '
                                   + _HOW_TO_GET.format(root=root.rstrip('/') or root)) from None
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
                how = _HOW_TO_GET.format(root=root.rstrip('/') or root)
                raise DatasetError(f'{path} cannot be read as a CIFAR-100 pickle ({e}): the file '
                                   f'is truncated or corrupt. {how}') from None
            if len(fine) != len(data) or (len(fine) and not 0 <= min(fine) <= max(fine) < 100):
                raise DatasetError(f'{path}: {len(data)} images but {len(fine)} labels, or labels '
                                   'outside 0..99; the file is not valid CIFAR-100.')
            imgs.append(data)
            labels.extend(fine)
        imgs = np.concatenate(imgs).transpose(0, 2, 3, 1)  # NCHW -> NHWC, as LoadImage would give
        return [{'img': img, 'gt_label': int(label)} for img, label in zip(imgs, labels)]
