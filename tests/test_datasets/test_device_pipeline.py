"""The device-resident pipeline draws the crops and flips of the standard one and normalises
identically: offsets uniform over the (2p + 1)^2 positions, flip probability 0.5, pixel-exact
crops, the data preprocessor's normalisation, and the samples' labels and indices."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmengine.registry import MODELS, DefaultScope

import sokd_mm  # noqa: F401
from sokd_mm.datasets.device_pipeline import (DeviceResidentData, augmentation_from_pipeline,
                                              batch_seed, crop_and_flip)
from sokd_mm.errors import ConfigError

CIFAR_AUG = [dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
             dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
             dict(type='mmpretrain.PackInputs')]


def build_pipeline(transforms: list) -> Compose:
    # Within the mmpretrain scope only: a default scope left set would send later tests'
    # mmrazor builds to the wrong registry.
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return Compose(transforms)


class InMemory:
    """A dataset in the shape the CIFAR/Fashion-MNIST/digits datasets have: data infos with
    an HxWxC uint8 ``img``, a ``pipeline`` of real mmpretrain transforms."""

    def __init__(self, images: np.ndarray, pipeline=CIFAR_AUG) -> None:
        self.images, self.pipeline = images, build_pipeline(pipeline)

    def __len__(self) -> int:
        return len(self.images)

    def get_data_info(self, i: int) -> dict:
        return dict(img=self.images[i], gt_label=i % 7, sample_idx=i)

    def __getitem__(self, i: int) -> dict:
        return self.pipeline(self.get_data_info(i))


def coded_image() -> np.ndarray:
    """Row r holds r + 1 in channel 0, column c holds c + 1 in channel 1: a crop tells its
    offset and whether it was mirrored."""
    image = np.zeros((32, 32, 3), np.uint8)
    image[..., 0] = np.arange(1, 33)[:, None]
    image[..., 1] = np.arange(1, 33)[None, :]
    image[..., 2] = 200
    return image


def decode(crop: np.ndarray) -> tuple:
    """(oy, ox, flipped) of a 32x32 HxWxC crop of the padded coded image (padding 4)."""
    oy = int(crop[16, 16, 0]) - 1 - 16 + 4
    flipped = int(crop[16, 17, 1]) < int(crop[16, 16, 1])
    ox = int(crop[16, 16, 1]) - 1 - (15 if flipped else 16) + 4
    return oy, ox, flipped


def fast_draws(n_batches: int = 64, batch: int = 256) -> list:
    data = DeviceResidentData(InMemory(np.stack([coded_image()] * batch)), 'cpu')
    draws = []
    for b in range(n_batches):
        inputs = data.batch(list(range(batch)), batch_seed(0, 0, b, 0))['inputs']
        draws += [decode(img.permute(1, 2, 0).numpy()) for img in inputs]
    return draws


def standard_draws(n: int) -> list:
    np.random.seed(0)
    dataset = InMemory(np.stack([coded_image()]))
    return [decode(dataset[0]['inputs'].permute(1, 2, 0).numpy()) for _ in range(n)]


def chi_square_uniform(counts: np.ndarray) -> float:
    expected = counts.sum() / counts.size
    return float(((counts - expected) ** 2 / expected).sum())


def test_offsets_are_uniform_over_the_81_positions_and_flips_have_probability_half():
    draws = fast_draws()
    counts = np.zeros((9, 9))
    for oy, ox, _ in draws:
        counts[oy, ox] += 1
    # 80 degrees of freedom: 124.8 is the 0.999 quantile. A crop that favoured the centre, or
    # drew offsets over 8 positions, scores in the thousands.
    assert counts.min() > 0 and chi_square_uniform(counts) < 124.8
    flip_share = np.mean([f for _, _, f in draws])
    assert abs(flip_share - 0.5) < 4 * (0.25 / len(draws)) ** 0.5
    # Offsets and flips independent: the flip share on the left and right halves agree.
    left = np.mean([f for _, ox, f in draws if ox < 4])
    right = np.mean([f for _, ox, f in draws if ox > 4])
    assert abs(left - right) < 0.05


def test_the_offset_and_flip_distributions_match_mmpretrains_pipeline():
    fast = fast_draws(n_batches=16)
    standard = standard_draws(len(fast) // 4)
    # The standard pipeline decodes through the same function: both reach all 81 positions.
    assert {(y, x) for y, x, _ in standard} == {(y, x) for y, x, _ in fast}
    assert len({(y, x) for y, x, _ in fast}) == 81
    # Homogeneity of the two histograms (offset pair x flip, 162 cells): chi-square with 161
    # degrees of freedom, 0.999 quantile 218.
    cells = {key: i for i, key in enumerate(
        (y, x, f) for y in range(9) for x in range(9) for f in (False, True))}
    table = np.zeros((2, len(cells)))
    for row, draws in enumerate((fast, standard)):
        for d in draws:
            table[row, cells[d]] += 1
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    assert float(((table - expected) ** 2 / expected).sum()) < 218


def test_each_crop_is_the_padded_image_cut_at_its_offset_and_mirrored_where_drawn():
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, (5, 32, 32, 3), dtype=np.uint8)
    padded = torch.nn.functional.pad(torch.from_numpy(images).permute(0, 3, 1, 2), (4,) * 4)
    offsets = torch.tensor([[0, 0], [8, 8], [3, 7], [4, 4], [8, 1]])
    flips = torch.tensor([False, True, True, False, False])
    out = crop_and_flip(padded, torch.tensor([4, 3, 2, 1, 0]), offsets, flips, (32, 32))
    for b, (i, (oy, ox), flip) in enumerate(zip([4, 3, 2, 1, 0], offsets.tolist(),
                                                flips.tolist())):
        expected = np.pad(images[i], ((4, 4), (4, 4), (0, 0)))[oy:oy + 32, ox:ox + 32]
        if flip:
            expected = expected[:, ::-1]
        np.testing.assert_array_equal(out[b].permute(1, 2, 0).numpy(), expected)


def test_normalisation_is_the_data_preprocessors_on_the_standard_inputs():
    rng = np.random.RandomState(1)
    images = rng.randint(0, 256, (6, 32, 32, 3), dtype=np.uint8)
    plain = [dict(type='mmpretrain.PackInputs')]  # nothing random: crops are the images
    dataset = InMemory(images, plain)
    data = DeviceResidentData(dataset, 'cpu')
    fast = data.batch([5, 0, 3], seed=1)
    standard = dict(inputs=torch.stack([dataset[i]['inputs'] for i in (5, 0, 3)]),
                    data_samples=[dataset[i]['data_samples'] for i in (5, 0, 3)])
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        preprocessor = MODELS.build(dict(type='mmpretrain.ClsDataPreprocessor',
                                         num_classes=7, mean=[129.3, 124.1, 112.4],
                                         std=[68.2, 65.4, 70.4]))
    a, b = preprocessor(fast, True), preprocessor(standard, True)
    assert fast['inputs'].dtype == torch.uint8
    torch.testing.assert_close(a['inputs'], b['inputs'], rtol=0, atol=0)
    assert [int(s.gt_label) for s in a['data_samples']] == [5 % 7, 0, 3]
    assert [s.sample_idx for s in a['data_samples']] == [5, 0, 3]


def test_batches_are_reproducible_from_their_seed_and_differ_between_seeds():
    data = DeviceResidentData(InMemory(np.stack([coded_image()] * 32)), 'cpu')
    first = data.batch(list(range(32)), batch_seed(0, 2, 5, 0))['inputs']
    other_rank = data.batch(list(range(32)), batch_seed(0, 2, 5, 1))['inputs']
    again = data.batch(list(range(32)), batch_seed(0, 2, 5, 0))['inputs']
    assert torch.equal(first, again) and not torch.equal(first, other_rank)


@pytest.mark.parametrize('transform, words', [
    (dict(type='mmpretrain.ColorJitter', brightness=0.2), 'ColorJitter'),
    (dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4, padding_mode='reflect'),
     "padding_mode='reflect'"),
    (dict(type='mmpretrain.RandomFlip', prob=0.5, direction='vertical'), "'horizontal'"),
])
def test_transforms_it_cannot_reproduce_are_refused_by_name(transform, words):
    with pytest.raises(ConfigError, match=words):
        augmentation_from_pipeline(build_pipeline([transform]).transforms)


def test_crops_of_another_size_and_file_datasets_are_refused():
    small_crop = [dict(type='mmpretrain.RandomCrop', crop_size=28, padding=4)]
    with pytest.raises(ConfigError, match='crop_size=\\(28, 28\\) on 32x32'):
        DeviceResidentData(InMemory(np.zeros((2, 32, 32, 3), np.uint8), small_crop), 'cpu')

    class OnDisk(InMemory):
        def get_data_info(self, i):
            return dict(img_path=f'{i}.png', gt_label=0)
    with pytest.raises(ConfigError, match='holds its images in memory.*OnDisk'):
        DeviceResidentData(OnDisk(np.zeros((2, 32, 32, 3), np.uint8)), 'cpu')
