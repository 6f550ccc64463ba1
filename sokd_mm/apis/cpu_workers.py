"""Data-loader workers for a training run on a machine without a GPU.

On a CPU the loader's worker processes and PyTorch's compute threads share the same cores. When
they add up to more than the machine has, each worker that wakes up takes a core from a parallel
operator, whose other threads then wait for it: a real FitNet ResNet56 -> ResNet20 run on 2 cores
(2 compute threads) took 1.28x the plain PyTorch step with the CIFAR configs' 2 workers and
1.10x with none (``benchmarks/results/framework_overhead.json``, ``real_run``), because loading
between steps costs less than what the contention costs the step. So where the user has not
chosen the workers, a CPU run keeps ``cores - compute threads`` of them (0 when the threads take
every core) and says so; a GPU run, whose compute is not on those cores, keeps the config's.
"""
import os
from typing import List, Optional

from mmengine.config import Config

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def fit_cpu_workers(cfg: Config, cfg_options: Optional[dict] = None, cuda: Optional[bool] = None,
                    cores: Optional[int] = None, threads: Optional[int] = None) -> List[str]:
    """Lower each loader's ``num_workers`` to what the cores leave free (module doc), unless
    ``cfg_options`` sets it; returns one line per change, to log."""
    import torch
    if cuda is None:
        cuda = torch.cuda.is_available()
    if cuda:
        return []
    cores = cores or os.cpu_count() or 1
    threads = threads or torch.get_num_threads()
    free = max(0, cores - threads)
    given = set(cfg_options or {})
    notes = []
    for name in LOADERS:
        loader = cfg.get(name)
        if not loader or f'{name}.num_workers' in given:
            continue
        workers = loader.get('num_workers', 0)
        if workers > free:
            loader['num_workers'] = free
            if free == 0:
                loader['persistent_workers'] = False
            notes.append(f'{name}.num_workers {workers} -> {free}: a CPU run on {cores} cores '
                         f'with {threads} compute threads (workers would take cores from them; '
                         f'--cfg-options {name}.num_workers=N keeps N)')
    return notes
