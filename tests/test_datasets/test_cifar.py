"""OfflineCIFAR100 on files written in the original cifar-100-python format."""
import os
import os.path as osp
import pickle

import numpy as np
import pytest
from mmpretrain.registry import DATASETS

from sokd_mm.datasets import DatasetError, OfflineCIFAR100
from tests.conftest import write_cifar100

PIPELINE = [dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
            dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='mmpretrain.PackInputs')]


def test_reads_original_layout_and_carries_sample_index(cifar100_root):
    ds = DATASETS.build(dict(type='OfflineCIFAR100', data_root=cifar100_root, split='train',
                             check_md5=False, pipeline=PIPELINE))
    assert len(ds) == 200
    with open(osp.join(cifar100_root, 'cifar-100-python', 'train'), 'rb') as f:
        raw = pickle.load(f, encoding='latin1')
    first = ds.get_data_info(7)
    # CHW rows of the pickle become HWC images, labels are the fine labels.
    assert np.array_equal(first['img'], raw['data'][7].reshape(3, 32, 32).transpose(1, 2, 0))
    assert first['gt_label'] == raw['fine_labels'][7]
    packed = ds[7]
    assert packed['inputs'].shape == (3, 32, 32)
    assert packed['data_samples'].sample_idx == 7
    assert int(packed['data_samples'].gt_label) == raw['fine_labels'][7]
    test = OfflineCIFAR100(data_root=cifar100_root, split='test', check_md5=False)
    assert len(test) == 100


def test_md5_is_checked_by_default(cifar100_root):
    with pytest.raises(DatasetError, match='md5.*check_md5=False'):
        OfflineCIFAR100(data_root=cifar100_root, split='train')


def test_missing_data_says_where_and_how(tmp_path):
    with pytest.raises(DatasetError) as e:
        OfflineCIFAR100(data_root=str(tmp_path), split='train', check_md5=False)
    msg = str(e.value)
    assert 'cifar-100-python/train not found' in msg and 'cifar-100-python.tar.gz' in msg
    assert 'data_root' in msg
    # every loader of the config is named, and the path reads as a path
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert f'{loader}.dataset.data_root=' in msg
    assert 'cifar-100-python/ holds train' in msg
    with pytest.raises(DatasetError) as e:
        OfflineCIFAR100(data_root=str(tmp_path) + '/', split='train', check_md5=False)
    assert '//' not in str(e.value).split('https://')[-1].replace('https://', '')


def test_cifar10_in_place_of_cifar100_is_recognised(tmp_path):
    os.makedirs(tmp_path / 'cifar-10-batches-py')
    with pytest.raises(DatasetError, match='holds CIFAR-10'):
        OfflineCIFAR100(data_root=str(tmp_path), split='train', check_md5=False)


def test_cifar10_pickle_under_cifar100_name_is_recognised(tmp_path):
    root = write_cifar100(str(tmp_path))
    path = osp.join(root, 'cifar-100-python', 'train')
    with open(path, 'wb') as f:
        pickle.dump({'data': np.zeros((2, 3072), np.uint8), 'labels': [0, 1]}, f)
    with pytest.raises(DatasetError, match='looks like CIFAR-10'):
        OfflineCIFAR100(data_root=root, split='train', check_md5=False)


def test_truncated_file_is_reported(tmp_path):
    root = write_cifar100(str(tmp_path))
    path = osp.join(root, 'cifar-100-python', 'train')
    with open(path, 'rb') as f:
        head = f.read(1000)
    with open(path, 'wb') as f:
        f.write(head)
    with pytest.raises(DatasetError, match='truncated or corrupt'):
        OfflineCIFAR100(data_root=root, split='train', check_md5=False)


def test_bad_split_is_refused(cifar100_root):
    with pytest.raises(DatasetError, match="'train' or 'test'"):
        OfflineCIFAR100(data_root=cifar100_root, split='val', check_md5=False)
