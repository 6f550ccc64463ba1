"""Distributed start-up that also works without GPUs (gloo), for CPU DDP runs and tests.

mmengine's ``init_dist('pytorch')`` calls ``torch.cuda.set_device`` unconditionally, and
``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to DDP, which torch rejects for CPU
modules. On a machine without CUDA we initialise the gloo process group ourselves (mmengine
then skips its own set-up) and wrap the model with ``device_ids=None``; ``sync_bn`` becomes
the wrapper's CPU-capable synchronised BN.
"""
import datetime
import os
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.config import Config

from sokd_mm.errors import ConfigError


GLOO_TIMEOUT_S = 600  # the longest any CPU process waits for the others (env_cfg.dist_cfg.timeout)


def _elastic_store(timeout: datetime.timedelta):
    """The job's store for this attempt, under torchrun; None otherwise.

    torchrun's static rendezvous (``--master_port``, what tools/dist_train.sh uses) keeps one
    TCPStore for the whole job, and the process group's keys carry no attempt number. After a
    restart the new processes can read the dead attempt's gloo addresses from it and wait on
    a peer that no longer exists: restarted jobs hung in ``init_process_group`` or
    ``new_group``. A prefix per attempt (``TORCHELASTIC_RESTART_COUNT``) gives every attempt
    its own keys."""
    if 'TORCHELASTIC_RESTART_COUNT' not in os.environ:
        return None
    rank = int(os.environ['RANK'])
    # The agent hosts the store when it says so; otherwise rank 0 does (torch's own rule).
    agent_hosts = os.environ.get('TORCHELASTIC_USE_AGENT_STORE') == 'True'
    store = dist.TCPStore(os.environ['MASTER_ADDR'], int(os.environ['MASTER_PORT']),
                          int(os.environ['WORLD_SIZE']), is_master=not agent_hosts and rank == 0,
                          timeout=timeout, multi_tenant=True)
    return dist.PrefixStore(f"sokd_attempt_{os.environ['TORCHELASTIC_RESTART_COUNT']}", store)


def init_process_group(backend: str, seconds: float) -> None:
    """Start the default process group from torchrun's environment, with a bounded wait and,
    under torchrun, a store of this attempt's own (see ``_elastic_store``)."""
    timeout = datetime.timedelta(seconds=seconds)
    # store=None: torch's env:// rendezvous, as without torchrun
    dist.init_process_group(backend=backend, store=_elastic_store(timeout),
                            rank=int(os.environ['RANK']),
                            world_size=int(os.environ['WORLD_SIZE']), timeout=timeout)


def prepare_distributed(cfg: Config, launcher: str) -> None:
    """Adjust ``cfg`` (and start the process group) for ``launcher``."""
    cfg.launcher = launcher
    if launcher == 'none':
        return
    if torch.cuda.is_available():
        if launcher == 'pytorch' and 'TORCHELASTIC_RESTART_COUNT' in os.environ \
                and not dist.is_initialized():
            # mmengine's init_dist('pytorch') as it does it (device, then the group), with this
            # attempt's store; mmengine then skips its own set-up.
            dist_cfg = cfg.env_cfg.get('dist_cfg', {})
            torch.cuda.set_device(int(os.environ['LOCAL_RANK']))
            init_process_group(dist_cfg.get('backend', 'nccl'),
                               dist_cfg.get('timeout', 1800))  # mmengine's and torch's default
        return
    if launcher != 'pytorch':
        raise ConfigError(f'--launcher {launcher} needs GPUs; on a CPU-only machine use '
                           '--launcher pytorch (tools/dist_train.sh does) with the gloo backend.')
    dist_cfg = cfg.env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = 'gloo'
    if not dist.is_initialized():
        # A bounded wait: a process whose peer died (or never came) fails instead of hanging,
        # so torchrun can restart the job (tools/dist_train.sh MAX_RESTARTS).
        init_process_group('gloo', dist_cfg.get('timeout', GLOO_TIMEOUT_S))
    wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel')
    if wrapper['type'] == 'MMDistributedDataParallel':
        wrapper['type'] = 'CPUDistributedDataParallel'
    wrapper['device_ids'] = None
    # torch's SyncBatchNorm (mmengine's sync_bn='torch') refuses CPU tensors: our wrappers
    # convert BN to a gloo-capable SyncBN instead.
    if cfg.get('sync_bn'):
        if wrapper['type'] not in ('CPUDistributedDataParallel', 'SoKDDDP'):
            raise ConfigError(f"sync_bn on CPU needs model_wrapper_cfg type "
                               f"CPUDistributedDataParallel or SoKDDDP, not {wrapper['type']}.")
        wrapper['sync_bn'] = True
        cfg.sync_bn = None
    cfg.model_wrapper_cfg = wrapper


def close_process_group() -> None:
    """Tear the process group down before the interpreter exits, then leave at once.

    Left to the exit handlers, a gloo group's threads may be destroyed while running and abort
    a finished run's process ('terminate called without an active exception'), failing the
    whole launch. Destroying the group first made that rarer but not impossible (2 failures in
    5 on a loaded 2-core machine), so a distributed process that has finished its work ends
    with ``os._exit(0)`` once its output is flushed: nothing is left to write (checkpoints are
    fsynced when saved, the visualizer is closed by the logger hook's ``after_run``) and no C++
    destructor runs. Single-process runs exit normally."""
    import logging
    import os
    import sys

    import torch.distributed as torch_dist
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def total_batch_note(cfg: Config, world_size: int) -> Optional[str]:
    """What a multi-process run's batch means for its learning rate: the config's batch size is
    per process, so N processes train with N times that batch at the config's lr unless
    ``--auto-scale-lr`` scales it (linearly, from ``auto_scale_lr.base_batch_size``). None for
    one process or when the lr is scaled."""
    scale = cfg.get('auto_scale_lr') or {}
    if world_size <= 1 or scale.get('enable'):
        return None
    batch = cfg.train_dataloader.batch_size
    base = scale.get('base_batch_size')
    lr = cfg.get('optim_wrapper', {}).get('optimizer', {}).get('lr')
    note = (f'{world_size} processes x batch {batch} per process = total batch '
            f'{world_size * batch}, trained at the config\'s lr {lr}')
    if base:
        note += (f', which is set for batch {base}; pass --auto-scale-lr to scale it to '
                 f'{world_size * batch} (lr x {world_size * batch / base:g})')
    return note + '.'
