"""The training split held on the device, augmented there in whole batches.

The standard pipeline decodes, pads, crops and flips every image in dataloader workers
(mmpretrain ``RandomCrop``/``RandomFlip`` on numpy arrays) and copies each batch to the GPU. For
32x32 datasets the whole training split fits in device memory many times over (CIFAR's 50,000
images padded to 40x40 are 240 MB of uint8), so :class:`DeviceResidentData` keeps it there once
and makes each batch with one gather:

    out[b, c, y, x] = padded[i_b, c, oy_b + y, ox_b + (W - 1 - x if flip_b else x)]

with the offsets ``oy_b, ox_b`` uniform over the ``2p + 1`` positions of each axis (as
``RandomCrop(padding=p)`` draws them) and ``flip_b`` true with the pipeline's probability (as
``RandomFlip(prob)``). The result stays uint8 and goes through the model's own data preprocessor,
so normalisation is the configured one, unchanged.

Which images form a batch is not decided here: the caller passes the index lists of the
config's own sampler (``DefaultSampler``, seeded by the runner), so the data order is the
standard runtime's. The random draws come from a generator re-seeded for every batch from
``(seed, epoch, batch, rank)``: its state at any point is a function of the position in
training, which the checkpoint stores, so a resumed run draws exactly the crops the
uninterrupted one drew, in any number of processes, with no per-rank state to gather.

Only in-memory datasets (CIFAR-100, Fashion-MNIST, the digits) and the transforms above are
supported; anything else is refused with a message saying so rather than silently trained
with different augmentation.
"""
import hashlib
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmpretrain.datasets.transforms import PackInputs, RandomCrop, RandomFlip
from mmpretrain.structures import DataSample

from sokd_mm.errors import ConfigError

SUPPORTED = ('mmpretrain.RandomCrop (crop_size = the image size, constant padding with value 0)',
             "mmpretrain.RandomFlip (direction='horizontal')", 'mmpretrain.PackInputs')


def augmentation_from_pipeline(transforms: Sequence) -> Tuple[int, float, Optional[tuple]]:
    """(padding, flip probability, crop size or None) of a training pipeline the device path
    can reproduce; a clear error for any other."""
    padding, flip_prob, crop_size = 0, 0.0, None
    for t in transforms:
        if isinstance(t, RandomCrop):
            bad = (t.pad_if_needed or t.padding_mode != 'constant'
                   or t.pad_val not in (0, (0, 0, 0)))
            if bad:
                raise ConfigError(
                    'The device-resident pipeline reproduces RandomCrop with constant zero '
                    f'padding only; this one has padding_mode={t.padding_mode!r}, '
                    f'pad_val={t.pad_val!r}, pad_if_needed={t.pad_if_needed}. Train without '
                    'the fast runtime, or use RandomCrop(crop_size=..., padding=...).')
            pad = t.padding or 0
            if not isinstance(pad, int):
                if len(set(pad)) != 1:
                    raise ConfigError(f'RandomCrop padding {pad}: the device-resident pipeline '
                                      'pads all sides alike; give one number.')
                pad = pad[0]
            padding, crop_size = int(pad), tuple(t.crop_size)
        elif isinstance(t, RandomFlip):
            directions = t.direction if isinstance(t.direction, list) else [t.direction]
            if directions != ['horizontal'] or isinstance(t.prob, list):
                raise ConfigError(
                    f'RandomFlip(direction={t.direction!r}, prob={t.prob!r}): the device-'
                    "resident pipeline flips horizontally only (direction='horizontal').")
            flip_prob = float(t.prob)
        elif not isinstance(t, PackInputs):
            raise ConfigError(
                f'The training pipeline has {type(t).__name__}, which the device-resident '
                f'pipeline (--fast) does not reproduce. It supports: {"; ".join(SUPPORTED)}. '
                'Train without --fast, or drop that transform.')
    return padding, flip_prob, crop_size


def batch_seed(seed: int, epoch: int, batch: int, rank: int) -> int:
    """A 63-bit seed for one batch's draws, distinct for every (seed, epoch, batch, rank)."""
    digest = hashlib.blake2b(f'{seed}/{epoch}/{batch}/{rank}'.encode(), digest_size=8).digest()
    return int.from_bytes(digest, 'little') >> 1


def crop_and_flip(padded: torch.Tensor, indices: torch.Tensor, offsets: torch.Tensor,
                  flips: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """Images ``indices`` of ``padded`` (N, C, H + 2p, W + 2p), each cropped to ``size`` at its
    (oy, ox) offset and mirrored where ``flips`` is true, as (B, C, H, W).

    One ``gather`` over each picked image's flattened pixels, the same (y, x) source positions
    for every channel (3x faster on a CPU than 4-D advanced indexing, one kernel on a GPU)."""
    height, width = size
    count, channels, padded_h, padded_w = len(indices), padded.shape[1], *padded.shape[-2:]
    ys = torch.arange(height, device=padded.device)
    xs = torch.arange(width, device=padded.device)
    rows = offsets[:, 0, None] + ys  # (B, H)
    cols = offsets[:, 1, None] + torch.where(flips[:, None], width - 1 - xs, xs)  # (B, W)
    source = (rows[:, :, None] * padded_w + cols[:, None, :]).reshape(count, 1, height * width)
    picked = padded[indices].reshape(count, channels, padded_h * padded_w)
    return picked.gather(2, source.expand(-1, channels, -1)).reshape(
        count, channels, height, width)


class DeviceResidentData:
    """A dataset's training images, labels and data samples on one device (module doc)."""

    def __init__(self, dataset, device: torch.device, channels_last: bool = False) -> None:
        # Whether the images are in memory first: a file-based dataset's LoadImageFromFile is
        # not a transform to drop but the sign that --fast does not apply.
        images, labels = self._read(dataset)
        self.padding, self.flip_prob, crop_size = augmentation_from_pipeline(
            dataset.pipeline.transforms)
        n, height, width, _ = images.shape
        if crop_size not in (None, (height, width)):
            raise ConfigError(
                f'RandomCrop crop_size={crop_size} on {height}x{width} images: the device-'
                'resident pipeline crops padded images back to their own size (the CIFAR '
                'recipe); train without --fast for other crops.')
        self.size = (height, width)
        nchw = torch.from_numpy(images).permute(0, 3, 1, 2)
        p = self.padding
        self.padded = torch.nn.functional.pad(nchw, (p, p, p, p)).contiguous().to(device)
        self.device = torch.device(device)
        self.channels_last = channels_last
        labels_on_device = torch.as_tensor(labels, dtype=torch.long).to(device)
        # One DataSample per image, made once: its label is a view of the device tensor, so a
        # batch costs a list lookup per sample, not a sample object and a host-to-device copy.
        # The fields are those PackInputs gives a training sample that the losses read.
        self.samples = []
        for i in range(n):
            sample = DataSample(metainfo=dict(sample_idx=i, img_shape=(height, width),
                                              ori_shape=(height, width)))
            sample.set_field(labels_on_device[i:i + 1], 'gt_label')
            self.samples.append(sample)
        self.generator = torch.Generator(device=self.device)

    @staticmethod
    def _read(dataset) -> Tuple[np.ndarray, List[int]]:
        if len(dataset) == 0:
            raise ConfigError(f'{type(dataset).__name__} has no training samples.')
        first = dataset.get_data_info(0) if hasattr(dataset, 'get_data_info') else None
        if not isinstance(first, dict) or not isinstance(first.get('img'), np.ndarray):
            raise ConfigError(
                f'The device-resident pipeline (--fast) needs a dataset that holds its images '
                f'in memory (OfflineCIFAR100, OfflineFashionMNIST, Digits32); '
                f'{type(dataset).__name__} does not (it reads files). Train without --fast.')
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        shapes = {info['img'].shape for info in infos}
        if len(shapes) != 1 or len(first['img'].shape) != 3:
            raise ConfigError(f'The device-resident pipeline needs images of one HxWxC shape; '
                              f'{type(dataset).__name__} has {sorted(shapes)[:3]}.')
        images = np.stack([info['img'] for info in infos])
        if images.dtype != np.uint8:
            raise ConfigError(f'The device-resident pipeline keeps uint8 images; '
                              f'{type(dataset).__name__} gives {images.dtype}.')
        return images, [int(info['gt_label']) for info in infos]

    def batch(self, indices: Sequence[int], seed: int) -> dict:
        """The training batch of dataset ``indices`` (model-input dict: uint8 inputs on the
        device, data samples), its draws seeded with ``seed``."""
        self.generator.manual_seed(seed)
        count = len(indices)
        device_indices = torch.as_tensor(indices, dtype=torch.long).to(
            self.device, non_blocking=True)
        offsets = torch.randint(0, 2 * self.padding + 1, (count, 2), device=self.device,
                                generator=self.generator)
        flips = torch.rand(count, device=self.device, generator=self.generator) < self.flip_prob
        inputs = crop_and_flip(self.padded, device_indices, offsets, flips, self.size)
        if self.channels_last:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        return dict(inputs=inputs, data_samples=[self.samples[i] for i in indices])
