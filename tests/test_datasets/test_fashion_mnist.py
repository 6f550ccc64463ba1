"""OfflineFashionMNIST reads the four original IDX gz files (generated here in the exact
format), pads to 3 x 32 x 32, carries sample_idx, falls back to Debian's copy, never downloads,
and names the expected files when they are missing or wrong."""
import gzip
import os
import os.path as osp
import shutil
import struct

import numpy as np
import pytest

from sokd_mm.datasets import DatasetError, OfflineFashionMNIST
from tests.conftest import write_fashion_mnist


def test_reads_images_labels_and_sample_idx(fashion_mnist_root):
    train = OfflineFashionMNIST(data_root=fashion_mnist_root, split='train')
    test = OfflineFashionMNIST(data_root=fashion_mnist_root, split='test')
    assert len(train) == 64 and len(test) == 32
    with gzip.open(osp.join(fashion_mnist_root, 'train-images-idx3-ubyte.gz')) as f:
        raw = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(64, 28, 28)
    item = train.get_data_info(5)
    assert item['img'].shape == (32, 32, 3) and item['img'].dtype == np.uint8
    # 2 black pixels of padding each side, the image itself in every channel
    assert np.array_equal(item['img'][2:30, 2:30, 1], raw[5])
    assert item['img'][:2].max() == 0 and item['img'][:, 30:].max() == 0
    assert item['gt_label'] == 5 and train[5]['sample_idx'] == 5
    assert train.CLASSES[0] == 'T-shirt/top'


def test_missing_files_name_the_files_the_package_and_the_home_page(tmp_path, monkeypatch):
    monkeypatch.setattr('sokd_mm.datasets.fashion_mnist.DEBIAN_ROOT', str(tmp_path / 'none'))
    with pytest.raises(DatasetError) as err:
        OfflineFashionMNIST(data_root=str(tmp_path / 'nothing'), split='train')
    msg = str(err.value)
    for part in ('train-images-idx3-ubyte.gz', 'apt-get install dataset-fashion-mnist',
                 'zalandoresearch/fashion-mnist', 'test_dataloader.dataset.data_root'):
        assert part in msg, part


def test_missing_message_without_fallback(tmp_path, monkeypatch):
    monkeypatch.setattr('sokd_mm.datasets.fashion_mnist.DEBIAN_ROOT', str(tmp_path / 'none'))
    root = str(tmp_path / 'partial')
    write_fashion_mnist(root)
    os.remove(osp.join(root, 't10k-labels-idx1-ubyte.gz'))
    OfflineFashionMNIST(data_root=root, split='train')  # the train pair is complete
    with pytest.raises(DatasetError, match=r't10k-labels-idx1-ubyte.gz not found.*apt-get '
                                           r'install dataset-fashion-mnist'):
        OfflineFashionMNIST(data_root=root, split='test')


def test_debian_copy_is_used_only_for_the_default_data_root(tmp_path, fashion_mnist_root):
    debian = str(tmp_path / 'usr_share_datasets_fashion-mnist')
    shutil.copytree(fashion_mnist_root, debian)
    empty = str(tmp_path / 'data' / 'fashion-mnist')
    assert OfflineFashionMNIST.resolve_root(empty, fallback=debian, default=empty) == debian
    # a data_root holding the files wins over the fallback
    assert OfflineFashionMNIST.resolve_root(fashion_mnist_root, fallback=debian,
                                            default=fashion_mnist_root) == fashion_mnist_root
    assert OfflineFashionMNIST.resolve_root(empty, fallback=str(tmp_path / 'x'),
                                            default=empty) == empty
    # a data root the user chose (a typo, an empty folder) is never replaced by Debian's copy
    typo = str(tmp_path / 'data' / 'fashion-mnst')
    assert OfflineFashionMNIST.resolve_root(typo, fallback=debian, default=empty) == typo


def test_a_mistyped_data_root_is_refused_before_training(train_tool, tmp_path,
                                                         fashion_mnist_root, monkeypatch):
    """`--cfg-options ...data_root=<typo>` used to train on Debian's copy without a word."""
    import os.path as osp

    from tests.conftest import REPO
    typo = str(tmp_path / 'fashion-mnst')
    proc = train_tool(osp.join(REPO, 'configs/vanilla/resnet8_fashion_mnist.py'),
                      f'train_dataloader.dataset.data_root={typo}',
                      extra=['--work-dir', str(tmp_path / 'w')], check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('Error: Fashion-MNIST file(s)') and typo in last, last
    assert 'Epoch(train)' not in proc.stdout + proc.stderr


def test_wrong_headers_and_sizes_are_explained(tmp_path):
    root = write_fashion_mnist(str(tmp_path / 'bad'))
    # labels swapped in for images: wrong magic number
    shutil.copy(osp.join(root, 'train-labels-idx1-ubyte.gz'),
                osp.join(root, 'train-images-idx3-ubyte.gz'))
    with pytest.raises(DatasetError, match='magic number 2051'):
        OfflineFashionMNIST(data_root=root, split='train')
    root = write_fashion_mnist(str(tmp_path / 'count'))
    with gzip.open(osp.join(root, 'train-labels-idx1-ubyte.gz'), 'wb') as f:
        f.write(struct.pack('>II', 2049, 10) + bytes(10))
    with pytest.raises(DatasetError, match='64 images of 28x28 .* 10 labels'):
        OfflineFashionMNIST(data_root=root, split='train')
    root = write_fashion_mnist(str(tmp_path / 'gz'))
    with open(osp.join(root, 'train-images-idx3-ubyte.gz'), 'wb') as f:
        f.write(b'not gzip at all')
    with pytest.raises(DatasetError, match='not a readable gzip file'):
        OfflineFashionMNIST(data_root=root, split='train')


def test_unknown_split_is_refused(fashion_mnist_root):
    with pytest.raises(DatasetError, match="split must be 'train' or 'test'"):
        OfflineFashionMNIST(data_root=fashion_mnist_root, split='val')


def test_index_range_holds_out_a_validation_split_disjoint_from_training(fashion_mnist_root):
    full = OfflineFashionMNIST(data_root=fashion_mnist_root, split='train')
    train = OfflineFashionMNIST(data_root=fashion_mnist_root, split='train', indices=40)
    held_out = OfflineFashionMNIST(data_root=fashion_mnist_root, split='train',
                                   index_range=(48, 64))
    assert len(held_out) == 16
    # the same images as positions 48..63 of the split, none of the 40 trained on
    for i in range(16):
        assert np.array_equal(held_out.get_data_info(i)['img'], full.get_data_info(48 + i)['img'])
    trained = {full.get_data_info(i)['img'].tobytes() for i in range(len(train))}
    assert not trained & {held_out.get_data_info(i)['img'].tobytes() for i in range(16)}
    assert held_out[3]['sample_idx'] == 3  # positions of the split it forms
    for bad in ((10, 5), (0, 65), (3, )):
        with pytest.raises(DatasetError, match='index_range'):
            OfflineFashionMNIST(data_root=fashion_mnist_root, split='train', index_range=bad)
