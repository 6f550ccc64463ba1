"""Tiny-ImageNet-200 in its official folder layout (as unpacked from tiny-imagenet-200.zip).

mmpretrain has no Tiny-ImageNet dataset. Layout read here::

    {data_root}/wnids.txt                       200 class ids, one a line (class order)
    {data_root}/words.txt                       optional: "wnid<TAB>names" (class names)
    {data_root}/train/<wnid>/images/*.JPEG      500 training images per class
    {data_root}/val/images/*.JPEG               10,000 validation images
    {data_root}/val/val_annotations.txt         "file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1"
"""
import os
import os.path as osp
from typing import List

from mmpretrain.datasets import BaseDataset

from .errors import DatasetError
from sokd_mm.registry import CLS_DATASETS

_HOW_TO_GET = ('Download http://cs231n.stanford.edu/tiny-imagenet-200.zip and unzip it so that '
               '{root} holds wnids.txt, train/ and val/ (or set data_root to that folder).')


@CLS_DATASETS.register_module()
class TinyImageNet(BaseDataset):
    """Tiny-ImageNet (200 classes, 64x64). ``split`` is ``'train'`` or ``'val'`` (the official
    test split has no labels). Images are loaded by the pipeline's ``LoadImageFromFile``."""

    def __init__(self, data_root: str, split: str = 'train', **kwargs) -> None:
        if split not in ('train', 'val'):
            raise DatasetError(f"TinyImageNet: split must be 'train' or 'val', got {split!r} "
                               '(the official test split has no labels)')
        self.split = split
        super().__init__(ann_file='', data_root=data_root, **kwargs)

    def _read_lines(self, path: str) -> List[str]:
        if not osp.isfile(path):
            raise DatasetError(f'Tiny-ImageNet file {path} not found. '
                               + _HOW_TO_GET.format(root=self.data_root))
        with open(path) as f:
            return [line.rstrip('\n') for line in f if line.strip()]

    def load_data_list(self) -> List[dict]:
        root = self.data_root
        wnids = [w.strip() for w in self._read_lines(osp.join(root, 'wnids.txt'))]
        if len(wnids) != 200 or len(set(wnids)) != 200:
            raise DatasetError(f'{root}/wnids.txt lists {len(set(wnids))} distinct classes, '
                               'Tiny-ImageNet has 200: this is not the tiny-imagenet-200 folder.')
        index = {w: i for i, w in enumerate(wnids)}
        words = {}
        if osp.isfile(osp.join(root, 'words.txt')):
            for line in self._read_lines(osp.join(root, 'words.txt')):
                wnid, _, names = line.partition('\t')
                words[wnid] = names.split(',')[0].strip()
        self._metainfo['classes'] = tuple(words.get(w, w) for w in wnids)

        data_list = []
        if self.split == 'train':
            for wnid in wnids:
                folder = osp.join(root, 'train', wnid, 'images')
                if not osp.isdir(folder):
                    raise DatasetError(f'Tiny-ImageNet training folder {folder} not found. '
                                       + _HOW_TO_GET.format(root=root))
                for name in sorted(os.listdir(folder)):
                    data_list.append({'img_path': osp.join(folder, name),
                                      'gt_label': index[wnid]})
        else:
            ann = osp.join(root, 'val', 'val_annotations.txt')
            for n, line in enumerate(self._read_lines(ann), 1):
                fields = line.split('\t')
                if len(fields) < 2 or fields[1] not in index:
                    raise DatasetError(f'{ann} line {n} is not "file<TAB>wnid<TAB>box": {line!r}')
                data_list.append({'img_path': osp.join(root, 'val', 'images', fields[0]),
                                  'gt_label': index[fields[1]]})
        missing = [d['img_path'] for d in data_list[:1] + data_list[-1:]
                   if not osp.isfile(d['img_path'])]
        if missing:
            raise DatasetError(f'Tiny-ImageNet image {missing[0]} not found. '
                               + _HOW_TO_GET.format(root=root))
        return data_list
