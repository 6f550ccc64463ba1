"""CRD's contrastive sampling for any class balance and any subset.

mmrazor 1.0's ``CRDDataset`` stacks its per-class index lists with ``np.asarray``, which NumPy
>= 1.24 refuses when the classes hold different numbers of images (a ``dataset.indices``
subset, Tiny-ImageNet subsets, ImageNet: 732 to 1,300 images per class); CIFAR-100's 500 per
class passes by luck. ``CRDContrastDataset`` keeps them as lists of arrays and is otherwise
mmrazor's (and RepDistiller's) sampling: per anchor, a positive (``sample_mode='exact'``: the
anchor itself; ``'random'``: an image of its class) and ``neg_num`` negatives drawn from the
other classes, ``percent`` of them kept per class, through NumPy's global generator in the same
order, so that on balanced data the drawn indices are identical.

Indices are positions in the wrapped dataset as it trains, a ``dataset.indices`` subset
included (mmengine numbers the subset's samples ``0 .. n-1`` and so does ``sample_idx``): the
memory bank has one row per trained image (``fit_crd_memory``).
"""
from typing import Dict, List

import numpy as np
from mmrazor.datasets import CRDDataset

from .errors import DatasetError
from sokd_mm.registry import DISTILL_DATASETS


@DISTILL_DATASETS.register_module()
class CRDContrastDataset(CRDDataset):
    """Args: as mmrazor's ``CRDDataset`` (``dataset``, ``neg_num``, ``percent``,
    ``num_classes``, ``sample_mode``, ``lazy_init``), and ``indices``: handed to the wrapped
    dataset (mmengine's subset: ``N`` the first N images, or a list), so that
    ``train_dataloader.dataset.indices=N`` subsets a CRD config as it does any other."""

    def __init__(self, dataset, neg_num: int, percent: float, indices=None, **kwargs) -> None:
        if indices is not None:
            if not isinstance(dataset, dict):
                raise DatasetError('CRDContrastDataset: indices needs the wrapped dataset as a '
                                   'config dict; subset a built dataset before wrapping it.')
            dataset = dict(dataset, indices=indices)
        super().__init__(dataset, neg_num, percent, **kwargs)

    def _parse_fullset_contrast_info(self) -> None:
        if self.sample_mode not in ('exact', 'random'):
            raise DatasetError(f"CRDContrastDataset: sample_mode must be 'exact' or 'random', "
                               f'got {self.sample_mode!r}')
        if self.dataset.test_mode:
            return
        labels = np.asarray(self.dataset.get_gt_labels(), dtype=np.int64)
        num_classes = self.num_classes if self.num_classes is not None else \
            int(labels.max()) + 1 if len(labels) else 0
        if len(labels) and labels.max() >= num_classes:
            raise DatasetError(f'CRDContrastDataset: num_classes={num_classes} but the training '
                               f'set has label {int(labels.max())}: set num_classes to the '
                               'number of classes or leave it unset.')
        present = np.unique(labels)
        if len(present) < 2:
            raise DatasetError(
                f'CRD needs images of at least two classes to draw negatives; the training set '
                f'({len(labels)} images) holds {len(present)} class(es): use a larger subset '
                '(train_dataloader.dataset.indices) or another method.')
        self.gt_labels, self.num_samples = labels, len(labels)
        # The reference lists a class's negatives as the other classes' images, class by class
        # (each in index order): positions in that list are mapped to indices on demand instead
        # of holding one list per class (ImageNet: 1.28M indices x 1,000 classes).
        self._by_class = np.argsort(labels, kind='stable')
        self._counts = np.bincount(labels, minlength=num_classes)
        self._starts = np.concatenate([[0], np.cumsum(self._counts)[:-1]])
        self.cls_positive: List[np.ndarray] = [
            self._by_class[self._starts[c]:self._starts[c] + self._counts[c]]
            for c in range(num_classes)]
        self.cls_negative = None
        if 0 < self.percent < 1:
            # The reference keeps the same number for every class, from class 0's negatives.
            n = int((self.num_samples - self._counts[0]) * self.percent)
            self.cls_negative = [np.random.permutation(self._negatives(c))[0:n]
                                 for c in range(num_classes)]

    def _negatives(self, cls: int, positions: np.ndarray = None) -> np.ndarray:
        """Indices at ``positions`` of class ``cls``'s negative list (all of it: None)."""
        if positions is None:
            positions = np.arange(self.num_samples - self._counts[cls])
        skip = positions >= self._starts[cls]
        return self._by_class[positions + skip * self._counts[cls]]

    def _get_contrast_info(self, data: Dict, idx: int) -> Dict:
        """mmrazor's draw (same calls on NumPy's global generator): the positive, then
        ``neg_num`` negatives, with replacement only when the class has too few."""
        cls = self.gt_labels[idx]
        if self.sample_mode == 'exact':
            pos_idx = idx
        else:
            pos_idx = np.random.choice(self.cls_positive[cls], 1)[0]
        if self.cls_negative is not None:
            pool = self.cls_negative[cls]
            neg_idx = np.random.choice(pool, self.neg_num, replace=self.neg_num > len(pool))
        else:
            size = self.num_samples - self._counts[cls]
            neg_idx = self._negatives(cls, np.random.choice(size, self.neg_num,
                                                            replace=self.neg_num > size))
        data['contrast_sample_idxs'] = np.hstack((np.asarray([pos_idx]), neg_idx))
        return data
