"""A dataloader ``worker_init_fn`` whose augmentation streams change every epoch and survive a
resume.

MMEngine's default seeds each worker with ``seed + worker_id + rank * num_workers``, the same
every epoch: with non-persistent workers every epoch replays the same sequence of random crops
and flips (only the sample order differs), and with persistent workers the streams run on
across epochs but live in other processes, out of reach of a checkpoint. This function seeds
each worker from PyTorch's per-iterator seed (drawn from the main process's torch generator when
the epoch's iterator is created, hence new every epoch) mixed with the process rank. Because
``RNGStateHook`` restores the main generator to its state at the start of the interrupted
epoch before that iterator is created, a resumed run recreates the same worker streams.

Use it with ``persistent_workers=False`` (the dataset configs do).
"""
import os
import random

import numpy as np
import torch

from sokd_mm.registry import FUNCTIONS


@FUNCTIONS.register_module()
def epoch_seeded_worker_init(worker_id: int) -> None:
    info = torch.utils.data.get_worker_info()
    rank = int(os.environ.get('RANK', 0))  # set by torchrun; ranks draw the same base seed
    seed = int(np.random.SeedSequence([info.seed, rank]).generate_state(1)[0])
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
