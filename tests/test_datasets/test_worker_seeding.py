"""epoch_seeded_worker_init: new augmentation draws every epoch and on every rank, the same
draws again when the main generator is back in the same state (what a resume restores)."""
from functools import partial

import numpy as np
import torch
from mmengine.dataset import worker_init_fn as mmengine_worker_init_fn
from torch.utils.data import DataLoader, Dataset

from sokd_mm.datasets import epoch_seeded_worker_init


class _Draws(Dataset):
    """Each sample is a random draw from the worker's numpy generator, like an augmentation."""

    def __len__(self) -> int:
        return 8

    def __getitem__(self, index: int) -> float:
        return float(np.random.rand())


def _epoch(init_fn) -> torch.Tensor:
    loader = DataLoader(_Draws(), batch_size=2, num_workers=2, worker_init_fn=init_fn)
    return torch.cat(list(loader))


def test_draws_change_every_epoch_and_repeat_from_the_same_generator_state():
    torch.manual_seed(0)
    first, second = _epoch(epoch_seeded_worker_init), _epoch(epoch_seeded_worker_init)
    assert not torch.equal(first, second)
    torch.manual_seed(0)
    assert torch.equal(_epoch(epoch_seeded_worker_init), first)
    # mmengine's default replays one stream every epoch: what this function replaces.
    default = partial(mmengine_worker_init_fn, num_workers=2, rank=0, seed=0)
    assert torch.equal(_epoch(default), _epoch(default))


def test_ranks_draw_different_streams(monkeypatch):
    torch.manual_seed(0)
    rank0 = _epoch(epoch_seeded_worker_init)
    monkeypatch.setenv('RANK', '1')
    torch.manual_seed(0)
    assert not torch.equal(_epoch(epoch_seeded_worker_init), rank0)
