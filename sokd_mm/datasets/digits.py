"""The embedded dataset: scikit-learn's real handwritten digits, as a 32x32 RGB 10-class set.

scikit-learn ships 1,797 8x8 grey images of digits (UCI optdigits test set) inside its wheel,
so the demo and the tests run with nothing downloaded. Images are scaled from 0..16 to 0..255,
upsampled bilinearly to 32x32 (the CIFAR input size, so every CIFAR architecture and recipe
applies unchanged) and repeated over three channels. The split is deterministic: per class,
a fixed permutation (seed 0) puts every 5th image (20%) into the test split.
"""
from typing import List

import numpy as np
from mmpretrain.datasets import BaseDataset
from PIL import Image

from .errors import DatasetError
from sokd_mm.registry import CLS_DATASETS

DIGITS_MEAN = (77.8, 77.8, 77.8)  # for ClsDataPreprocessor (0..255 scale), measured on train
DIGITS_STD = (82.6, 82.6, 82.6)


def load_digits_32(split: str, test_fraction: float = 0.2) -> tuple:
    """Return ``(images N x 32 x 32 x 3 uint8, labels N)`` of the deterministic split."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    rng = np.random.RandomState(0)
    test_mask = np.zeros(len(digits.target), dtype=bool)
    for c in range(10):
        idx = np.flatnonzero(digits.target == c)
        idx = idx[rng.permutation(len(idx))]
        test_mask[idx[:int(round(len(idx) * test_fraction))]] = True
    keep = test_mask if split == 'test' else ~test_mask
    grey = (digits.images[keep] * (255.0 / 16.0)).astype(np.uint8)
    big = np.stack([np.asarray(Image.fromarray(g).resize((32, 32), Image.BILINEAR))
                    for g in grey])
    return np.repeat(big[..., None], 3, axis=-1), digits.target[keep].astype(np.int64)


@CLS_DATASETS.register_module()
class Digits32(BaseDataset):
    """scikit-learn digits as 32x32 RGB; ``split`` is ``'train'`` (1,437) or ``'test'`` (360)."""

    METAINFO = {'classes': tuple(str(d) for d in range(10))}

    def __init__(self, split: str = 'train', **kwargs) -> None:
        if split not in ('train', 'test'):
            raise DatasetError(f"Digits32: split must be 'train' or 'test', got {split!r}")
        self.split = split
        super().__init__(ann_file='', **kwargs)

    def load_data_list(self) -> List[dict]:
        images, labels = load_digits_32(self.split)
        return [{'img': img, 'gt_label': int(label)} for img, label in zip(images, labels)]
