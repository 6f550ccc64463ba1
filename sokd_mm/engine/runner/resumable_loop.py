"""ResumableEpochBasedTrainLoop: epoch-based training that resumes in the middle of an epoch.

MMEngine's ``EpochBasedTrainLoop`` always restarts an epoch from its first batch. Resumed from a
checkpoint written mid-epoch (``default_hooks.checkpoint=dict(by_epoch=False, interval=N)``) it
trains the batches seen before the interruption a second time and counts iterations past the
real ones. This loop records in every checkpoint how many batches of the current epoch were
trained (``meta['batch_in_epoch']``) and, on resume, draws and discards that many batches from
the same sampler order, so data order, worker streams and everything after them match the
uninterrupted run. Only then does ``RNGStateHook`` put back the generator states saved with
the checkpoint (restoring before the skip would let the skipped batches' augmentation draw
from them). Everything else is the original loop.
"""
from typing import Iterator, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from sokd_mm.engine.hooks.rng_state_hook import RNGStateHook
from sokd_mm.errors import ConfigError
from sokd_mm.registry import LOOPS


class _EpochPositionHook(Hook):
    """Carries the loop's position in the epoch through checkpoints."""

    priority = 'VERY_HIGH'

    def __init__(self, loop: 'ResumableEpochBasedTrainLoop') -> None:
        self.loop = loop

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint.setdefault('meta', {})['batch_in_epoch'] = self.loop.batch_in_epoch

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if runner._resume:  # not for load_from (fine-tuning starts at the first batch)
            self.loop.batch_in_epoch = int(checkpoint.get('meta', {}).get('batch_in_epoch', 0))


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` that continues a resumed epoch where it stopped (module doc).
    Configs name it in place of ``by_epoch=True``: ``train_cfg=dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=240, val_interval=1)``."""

    restores_rng_itself = True  # RNGStateHook leaves the restore to run_epoch

    def __init__(self, runner, dataloader, max_epochs: int, **kwargs) -> None:
        super().__init__(runner, dataloader, max_epochs, **kwargs)
        self.batch_in_epoch = 0  # batches of the current epoch trained so far
        runner.register_hook(_EpochPositionHook(self))

    def _validation_due(self) -> bool:
        """Whether the parent's loop validates after the epoch just completed."""
        return (self.runner.val_loop is not None and self._epoch >= self.val_begin
                and (self._epoch % self.val_interval == 0 or self._epoch == self._max_epochs))

    def run(self):
        """The parent's loop, with the owed validation of a resumed epoch-end checkpoint."""
        self.runner.call_hook('before_train')
        if getattr(self.runner, '_resume', False) and self._epoch > 0 \
                and self.batch_in_epoch == 0 and self._validation_due():
            self.runner.logger.info(f'Validating epoch {self._epoch}, whose checkpoint this '
                                    'run resumed from (its validation may not have run).')
            self.runner.val_loop.run()
        while self._epoch < self._max_epochs and not self.stop_training:
            self.run_epoch()
            self._decide_current_val_interval()
            if self._validation_due():
                self.runner.val_loop.run()
        self.runner.call_hook('after_train')
        return self.runner.model

    def _rng_hook(self) -> Optional[RNGStateHook]:
        return next((h for h in self.runner.hooks if isinstance(h, RNGStateHook)), None)

    def run_epoch(self) -> None:
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        done = self.batch_in_epoch
        if done > len(self.dataloader):
            raise ConfigError(
                f'The checkpoint was written after batch {done} of epoch {self._epoch + 1}, '
                f'but an epoch now has {len(self.dataloader)} batches: resume a mid-epoch '
                'checkpoint with the data and batch size it was trained with.')
        rng = self._rng_hook()
        if rng is not None:
            # At an epoch start: the checkpoint's states (if resuming), then remember them.
            # Mid-epoch: the states the interrupted epoch began with, so that its iterator
            # (shuffle order, worker seeds) is the same; the checkpoint's come after the skip.
            if done:
                rng.restore_epoch_start()
            else:
                rng.restore_pending()
                rng.mark_epoch_start()
        batches = self._epoch_batches(done)
        if done:
            self.runner.logger.info(f'Resuming epoch {self._epoch + 1} at batch {done + 1}: '
                                    f'skipped the {done} batches trained before the checkpoint.')
            if rng is not None:
                rng.restore_pending()
        for idx, data_batch in batches:
            self.batch_in_epoch = idx + 1  # what a checkpoint written in this iteration holds
            self.run_iter(idx, data_batch)
        self.batch_in_epoch = 0  # epoch-end checkpoints resume at the next epoch's start
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def _epoch_batches(self, done: int) -> Iterator[Tuple[int, dict]]:
        """(index, batch) of the epoch's batches after the first ``done``, which are drawn here
        (from the epoch-start RNG states) and not trained on."""
        batches = iter(self.dataloader)
        for _ in range(done):
            next(batches)
        return enumerate(batches, start=done)
