"""Test-only faults for the reliability tests, switched on by environment variables so that the
same config runs clean, killed and resumed (imported through ``custom_imports``):

- ``SOKD_KILL_AT_ITER=N[:RANK]``: SIGKILL after training iteration N (1-based, counted over
  the run), on rank RANK only if given; in the first attempt of an elastic job only (a
  restarted job runs clean);
- ``SOKD_SIGNAL_AT_ITER=N:SIGNAME[:RANK]``: send SIGNAME to this process (on rank RANK
  only, if given) as training iteration N begins, as a scheduler would;
- ``SOKD_KILL_AFTER_EPOCH=N``: SIGKILL once epoch N's checkpoint is written, before its
  validation;
- ``SOKD_NAN_AT_ITER=N``: before iteration N, fill the teacher (or, without one, the model)
  with NaN;
- ``SOKD_SLOW_AFTER_BARRIER=RANK:SECONDS``: on rank RANK, wait SECONDS after each
  ``torch.distributed.barrier`` returns (a rank that lags the others out of a barrier);
- ``SOKD_SAVE_FAULT=kill:NAME`` / ``enospc:NAME``: while writing a file whose name contains
  NAME, write half of it and then SIGKILL the process / fail with ``No space left on device``.
"""
import errno
import os
import signal
import time

import torch
from mmengine.fileio.backends.local_backend import LocalBackend
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

_original_put = LocalBackend.put


def _faulty_put(self, obj: bytes, filepath) -> None:
    mode, _, name = os.environ.get('SOKD_SAVE_FAULT', '').partition(':')
    if not name or name not in os.path.basename(str(filepath)):
        return _original_put(self, obj, filepath)
    with open(filepath, 'wb') as f:
        f.write(obj[:len(obj) // 2])
        f.flush()
        os.fsync(f.fileno())
        if mode == 'kill':
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(filepath))


LocalBackend.put = _faulty_put

_original_barrier = torch.distributed.barrier


def _lagging_barrier(*args, **kwargs):
    result = _original_barrier(*args, **kwargs)
    rank, _, seconds = os.environ.get('SOKD_SLOW_AFTER_BARRIER', '').partition(':')
    if rank and int(rank) == int(os.environ.get('RANK', 0)):
        time.sleep(float(seconds))
    return result


torch.distributed.barrier = _lagging_barrier


@HOOKS.register_module()
class FaultInjectionHook(Hook):
    priority = 'LOWEST'

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        at, _, signame = os.environ.get('SOKD_SIGNAL_AT_ITER', '').partition(':')
        if at and int(at) == runner.iter + 1:
            signame, _, rank = signame.partition(':')
            if not rank or int(rank) == int(os.environ.get('RANK', 0)):
                os.kill(os.getpid(), getattr(signal, signame))
        if int(os.environ.get('SOKD_NAN_AT_ITER', 0)) == runner.iter + 1:
            model = runner.model.module if is_model_wrapper(runner.model) else runner.model
            target = getattr(model, 'teacher', model)
            with torch.no_grad():
                for p in target.parameters():
                    p.fill_(float('nan'))

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        at, _, rank = os.environ.get('SOKD_KILL_AT_ITER', '0').partition(':')
        first_attempt = int(os.environ.get('TORCHELASTIC_RESTART_COUNT', 0)) == 0
        if int(at) == runner.iter + 1 and first_attempt and (
                not rank or int(rank) == int(os.environ.get('RANK', 0))):
            os.kill(os.getpid(), signal.SIGKILL)

    def after_train_epoch(self, runner):  # LOWEST: after the checkpoint hook (VERY_LOW)
        if int(os.environ.get('SOKD_KILL_AFTER_EPOCH', 0)) == runner.epoch + 1:
            os.kill(os.getpid(), signal.SIGKILL)
