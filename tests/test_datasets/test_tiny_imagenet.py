"""TinyImageNet on a generated folder in the official tiny-imagenet-200 layout."""
import os

import numpy as np
import pytest
from PIL import Image

from sokd_mm.datasets import DatasetError, TinyImageNet


@pytest.fixture(scope='module')
def tiny_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('tiny-imagenet-200')
    wnids = [f'n{i:08d}' for i in range(200)]
    (root / 'wnids.txt').write_text('\n'.join(wnids) + '\n')
    (root / 'words.txt').write_text(
        ''.join(f'{w}\tthing {i}, other\n' for i, w in enumerate(wnids)))
    rng = np.random.RandomState(0)
    for i, w in enumerate(wnids[:200]):
        folder = root / 'train' / w / 'images'
        os.makedirs(folder)
        Image.fromarray(rng.randint(0, 255, (64, 64, 3), np.uint8)).save(folder / f'{w}_0.JPEG')
    os.makedirs(root / 'val' / 'images')
    lines = []
    for j in range(6):
        name = f'val_{j}.JPEG'
        image = Image.fromarray(rng.randint(0, 255, (64, 64, 3), np.uint8))
        image.save(root / 'val' / 'images' / name)
        lines.append(f'{name}\t{wnids[j * 7]}\t0\t0\t63\t63')
    (root / 'val' / 'val_annotations.txt').write_text('\n'.join(lines) + '\n')
    return str(root)


def test_train_and_val_splits(tiny_root):
    pipeline = [dict(type='mmpretrain.LoadImageFromFile'), dict(type='mmpretrain.PackInputs')]
    train = TinyImageNet(data_root=tiny_root, split='train', pipeline=pipeline)
    assert len(train) == 200
    assert train.get_data_info(3)['gt_label'] == 3
    assert train.metainfo['classes'][3] == 'thing 3'
    val = TinyImageNet(data_root=tiny_root, split='val', pipeline=pipeline)
    assert [val.get_data_info(j)['gt_label'] for j in range(6)] == [0, 7, 14, 21, 28, 35]
    sample = val[1]
    assert sample['inputs'].shape == (3, 64, 64)
    assert sample['data_samples'].sample_idx == 1


def test_missing_folder_explains_layout(tmp_path):
    with pytest.raises(DatasetError, match='wnids.txt not found.*tiny-imagenet-200.zip'):
        TinyImageNet(data_root=str(tmp_path), split='train')


def test_wrong_class_list_is_refused(tmp_path):
    (tmp_path / 'wnids.txt').write_text('n1\nn2\n')
    with pytest.raises(DatasetError, match='200'):
        TinyImageNet(data_root=str(tmp_path), split='train')
