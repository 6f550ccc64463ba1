"""RNGStateHook: random-number generator states in the checkpoint, so that resume is exact.

MMEngine 0.10.7 saves model, optimizer, schedulers and message hub, but no RNG state: a resumed
run re-seeds and draws different crops, flips, dropout masks and negative samples from the
uninterrupted run. This hook adds the states of Python's ``random``, numpy's global generator,
torch's CPU generator and every CUDA generator to each checkpoint (``checkpoint['rng_state']``,
one entry per rank) and puts them back as the first resumed epoch begins.

Validation must not move the training streams either, or the uninterrupted run (which
validates after the checkpoint is written) and the resumed one (which does not) part ways:
the hook therefore restores the training states after every validation.

Out of scope: generators owned by dataloader workers. MMEngine seeds non-persistent workers
identically every epoch, so they need no state; ``persistent_workers=True`` streams cannot be
captured from the main process (exact resume needs ``persistent_workers=False``).
"""
import random
from typing import Optional

import numpy as np
import torch
import torch.distributed as torch_dist
from mmengine.dist import get_rank, get_world_size, is_distributed
from mmengine.hooks import CheckpointHook, Hook

from sokd_mm.registry import HOOKS


def capture_rng_state() -> dict:
    """The current state of every generator the training process draws from."""
    state = dict(python=random.getstate(), numpy=np.random.get_state(),
                 torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict) -> None:
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save every rank's generator states with each checkpoint; restore them on resume."""

    priority = 'VERY_HIGH'  # restore before any other hook draws a random number

    def __init__(self) -> None:
        self._resumed_state: Optional[dict] = None
        self._before_val: Optional[dict] = None
        self._saver: Optional[CheckpointHook] = None
        self._gathered: Optional[list] = None
        # The states when the current epoch's data iterator was created (its shuffling and
        # worker seeds derive from them); a mid-epoch resume recreates that iterator from them.
        self._epoch_start: Optional[dict] = None
        self._resumed_epoch_start: Optional[dict] = None

    def before_train(self, runner) -> None:
        # In DDP only rank 0 writes (and sees ``before_save_checkpoint``): every rank's states
        # are gathered at the points where the checkpoint hook will save.
        self._saver = next((h for h in runner.hooks if isinstance(h, CheckpointHook)), None)
        self._gathered = None

    def restore_pending(self) -> None:
        """Put back the states of the resumed checkpoint (once)."""
        if self._resumed_state is not None:
            restore_rng_state(self._resumed_state)
            self._resumed_state = None

    def mark_epoch_start(self) -> None:
        """Called by the loop right before it creates the epoch's data iterator."""
        self._epoch_start = capture_rng_state()

    def restore_epoch_start(self) -> None:
        """Mid-epoch resume: the states the interrupted epoch's iterator was created from."""
        if self._resumed_epoch_start is not None:
            restore_rng_state(self._resumed_epoch_start)
            self._epoch_start, self._resumed_epoch_start = self._resumed_epoch_start, None

    def before_train_epoch(self, runner) -> None:
        # Not in before_train: other hooks may draw there once per run (SoTeacherHook reads a
        # sample to check its data), which the uninterrupted run did only at its start.
        # ResumableEpochBasedTrainLoop restores later itself, after skipping the batches a
        # mid-epoch checkpoint had already trained on.
        if not getattr(runner.train_loop, 'restores_rng_itself', False):
            self.restore_pending()

    def _states(self) -> dict:
        return dict(capture_rng_state(), epoch_start=self._epoch_start)

    def gather_now(self) -> None:
        """Collect every rank's states for a checkpoint written outside the schedule (a
        collective: every rank calls it; see PreemptionHook)."""
        self._gather()

    def _gather(self) -> None:
        self._gathered = [None] * get_world_size()
        torch_dist.all_gather_object(self._gathered, self._states())

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        saver = self._saver
        if is_distributed() and saver is not None and not saver.by_epoch and (
                self.every_n_train_iters(runner, saver.interval)
                or self.is_last_train_iter(runner)):
            self._gather()

    def after_train_epoch(self, runner) -> None:
        if is_distributed() and self._saver is not None and self._saver.by_epoch:
            self._gather()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if is_distributed():
            if self._gathered is not None:
                checkpoint['rng_state'] = self._gathered
        else:
            checkpoint['rng_state'] = [self._states()]

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # ``load_from`` (fine-tuning) also passes here: only a resume restores the streams.
        states = checkpoint.get('rng_state')
        if not states or not runner._resume:
            return
        if len(states) != get_world_size():
            runner.logger.warning(
                f'The checkpoint holds RNG states of {len(states)} processes, this run has '
                f'{get_world_size()}: random streams restart from the seed, so this resume is '
                'not bit-exact.')
            return
        self._resumed_state = states[get_rank()]
        self._resumed_epoch_start = states[get_rank()].get('epoch_start')

    # before_val/after_val, not the *_epoch pair: mmrazor's distillation val loop calls
    # before_val_epoch twice (student, then teacher) in one validation.
    def before_val(self, runner) -> None:
        self._before_val = capture_rng_state()

    def after_val(self, runner) -> None:
        if self._before_val is not None:
            restore_rng_state(self._before_val)
            self._before_val = None
