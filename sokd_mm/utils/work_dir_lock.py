"""One run per work dir: a second training on a folder a live run uses is refused.

Two runs on one work dir overwrite each other's checkpoints and interleave their logs, and
each may still exit 0. ``lock_work_dir`` takes an exclusive ``fcntl.flock`` on
``WORK_DIR/.lock`` for the life of the process (rank 0 of a distributed job). The operating
system drops the lock when the holder dies, however it dies, so a lock left by a killed run
never blocks; the file itself only tells the next run who holds it. (mmengine has no such lock;
``filelock``-style lock files outlive a SIGKILL, which is why flock is used.)
"""
import datetime
import fcntl
import os
import os.path as osp
import socket
from typing import Optional

from sokd_mm.errors import SokdError

LOCK_NAME = '.lock'
_held = {}  # work dir -> open file: the lock lives as long as the file stays open


class WorkDirBusyError(SokdError, RuntimeError):
    """Another live process is training in this work dir."""


def lock_work_dir(work_dir: str) -> None:
    """Hold ``work_dir``'s lock until this process ends, or raise :class:`WorkDirBusyError`
    naming the holder (PID, host, start time). Idempotent within a process."""
    key = osp.realpath(work_dir)
    if key in _held:
        return
    os.makedirs(work_dir, exist_ok=True)
    handle = open(osp.join(work_dir, LOCK_NAME), 'a+')
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or 'another process'
        handle.close()
        raise WorkDirBusyError(
            f'the work dir {work_dir} is in use by a running training ({holder}). Wait for it '
            'to finish (or stop it), or pass another --work-dir.') from None
    handle.seek(0)
    handle.truncate()
    started = datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M:%S %Z')
    handle.write(f'PID {os.getpid()} on {socket.gethostname()}, started {started}\n')
    handle.flush()
    _held[key] = handle


def release_work_dir(work_dir: str) -> Optional[bool]:
    """Give the lock back before the process ends (tests, in-process pipelines)."""
    handle = _held.pop(osp.realpath(work_dir), None)
    if handle is None:
        return None
    handle.close()
    return True
