"""The embedded digits dataset: real images, deterministic disjoint split, 32x32 RGB."""
import numpy as np

from sokd_mm.datasets import Digits32
from sokd_mm.datasets.digits import load_digits_32


def test_split_sizes_shapes_and_determinism():
    train_x, train_y = load_digits_32('train')
    test_x, test_y = load_digits_32('test')
    assert len(train_x) + len(test_x) == 1797
    assert train_x.shape[1:] == (32, 32, 3) and train_x.dtype == np.uint8
    assert set(np.unique(test_y)) == set(range(10))
    again_x, _ = load_digits_32('test')
    assert np.array_equal(test_x, again_x)
    # Disjoint: no test image appears among the training images.
    train_keys = {x.tobytes() for x in train_x}
    assert sum(x.tobytes() in train_keys for x in test_x) < 5  # sklearn has a few duplicates


def test_dataset_packs_images_with_sample_index():
    ds = Digits32(split='test', pipeline=[dict(type='mmpretrain.PackInputs')])
    assert len(ds) == 359
    item = ds[5]
    assert item['inputs'].shape == (3, 32, 32)
    assert item['data_samples'].sample_idx == 5
