"""PreemptionHook: a scheduler's stop signal costs at most one iteration.

SLURM and cloud schedulers stop a job with SIGTERM (or the signal asked for with
``--signal``, usually SIGUSR1) and a grace period; Ctrl-C sends SIGINT. MMEngine handles none
of them: the work since the last checkpoint is lost. This hook turns SIGTERM, SIGUSR1 and the
first SIGINT into: finish the current iteration, let every rank agree on it, write a complete
checkpoint of that iteration through the run's checkpoint hook (write-then-rename, RNG states,
the epoch position, so ``--resume`` continues bit-identically), then stop with
:class:`TrainingPreempted`. A second SIGINT interrupts at once (``KeyboardInterrupt``).

In a multi-process job the ranks agree through a CPU (gloo) group created with a timeout,
never through the device: one small all-reduce per iteration, no device synchronisation. When
a rank has died (torchrun then SIGTERMs the others) that all-reduce fails or times out instead
of waiting forever, and the survivors stop without writing (:class:`PreemptionAgreementError`);
the last complete checkpoint stays as it was.

Written here because neither MMEngine nor mmpretrain/mmrazor handle signals.
"""
import datetime
import signal
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.dist import get_world_size, is_distributed
from mmengine.hooks import Hook

from sokd_mm.errors import SokdError
from sokd_mm.registry import HOOKS

SIGNALS = ('SIGTERM', 'SIGUSR1', 'SIGINT')


class TrainingPreempted(SokdError, RuntimeError):
    """Training stopped on a signal after writing a checkpoint of its last iteration."""

    def __init__(self, message: str, checkpoint: str) -> None:
        super().__init__(message)
        self.checkpoint = checkpoint


class PreemptionAgreementError(SokdError, RuntimeError):
    """The ranks could not agree on where to stop (one of them failed); nothing was written."""


@HOOKS.register_module()
class PreemptionHook(Hook):
    """Checkpoint and stop at the end of the iteration in which a stop signal arrived.

    Args:
        timeout_s: how long a rank waits for the others to agree (multi-process jobs).
    """

    priority = 'LOWEST'  # after every other hook has finished the iteration

    def __init__(self, timeout_s: float = 60.0) -> None:
        self.timeout_s = timeout_s
        self.received: Optional[str] = None
        self._group = None
        self._previous = {}

    # -- signals ---------------------------------------------------------------------------
    def _on_signal(self, signum, frame) -> None:
        name = signal.Signals(signum).name
        if name == 'SIGINT' and self.received == 'SIGINT':
            raise KeyboardInterrupt  # Ctrl-C twice: stop now
        if self.received is None:
            self.received = name

    def before_train(self, runner) -> None:
        for name in SIGNALS:
            signum = getattr(signal, name)
            if signal.getsignal(signum) is signal.SIG_IGN:
                continue  # e.g. SIGINT in a job started with `&`: keep ignoring it
            self._previous[signum] = signal.signal(signum, self._on_signal)
        if is_distributed() and get_world_size() > 1:
            self._group = torch_dist.new_group(
                backend='gloo', timeout=datetime.timedelta(seconds=self.timeout_s))

    def after_train(self, runner) -> None:
        self._restore_handlers()

    def _restore_handlers(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    # -- the stop --------------------------------------------------------------------------
    def _agreed(self) -> bool:
        """Whether any rank received a stop signal (every rank gets the same answer)."""
        if self._group is None:
            return self.received is not None
        flag = torch.tensor([0 if self.received is None else 1])
        try:
            torch_dist.all_reduce(flag, op=torch_dist.ReduceOp.MAX, group=self._group)
        except RuntimeError as error:
            raise PreemptionAgreementError(
                f'Stopping: the other processes of this job did not answer ({error}); one of '
                'them has probably failed. Nothing was written; the last complete checkpoint '
                'is kept.') from None
        return bool(flag.item())

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if not self._agreed():
            return
        self._restore_handlers()
        if self._group is not None:
            # The first rank past the barrier below asks torchrun to end the job (tools/
            # train.py), which SIGTERMs every rank: the others must still get past it and
            # say how to continue. torchrun SIGKILLs what is left after its grace period.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        from .rng_state_hook import RNGStateHook
        from .safe_checkpoint_hook import SafeCheckpointHook
        saver = next((h for h in runner.hooks if isinstance(h, SafeCheckpointHook)), None)
        rng = next((h for h in runner.hooks if isinstance(h, RNGStateHook)), None)
        if saver is None:
            raise PreemptionAgreementError(
                f'Stopping on {self.received or "a signal of another process"}: the config has '
                'no SafeCheckpointHook (default_hooks.checkpoint), so nothing was saved.')
        flush = getattr(runner.train_loop, 'sync', None)
        if flush is not None:
            flush()  # the fast runtime's pending losses: logged and checked before the save
        if rng is not None and is_distributed():
            rng.gather_now()  # every rank's generator states into the checkpoint
        path = saver.save_now(runner, f'iter_{runner.iter + 1}.pth')
        if self._group is not None:
            torch_dist.barrier(group=self._group)  # no rank exits before the file is complete
        what = self.received or 'a stop signal received by another process'
        epoch, batch = runner.epoch + 1, getattr(runner.train_loop, 'batch_in_epoch', None)
        where = f'epoch {epoch}, batch {batch}' if batch is not None else f'epoch {epoch}'
        raise TrainingPreempted(
            f'Stopped on {what} after iteration {runner.iter + 1} ({where}); saved {path}.',
            path)
