"""ResumableEpochBasedTrainLoop: epoch-based training that resumes in the middle of an epoch.

MMEngine's ``EpochBasedTrainLoop`` always restarts an epoch from its first batch. Resumed from a
checkpoint written mid-epoch (``default_hooks.checkpoint=dict(by_epoch=False, interval=N)``) it
trains the batches seen before the interruption a second time and counts iterations past the
real ones. This loop skips them instead: it draws (and discards) the epoch's first ``k`` batches
from the same sampler order, so data order, worker streams and everything after them match the
uninterrupted run, and only then lets ``RNGStateHook`` put back the generator states saved with
the checkpoint (restoring before the skip would let the skipped batches' augmentation draw from
them). Everything else is the original loop.
"""
from mmengine.registry import LOOPS
from mmengine.runner import EpochBasedTrainLoop

from sokd_mm.engine.hooks.rng_state_hook import RNGStateHook


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` that continues a resumed epoch where it stopped (module doc).
    Configs name it in place of ``by_epoch=True``: ``train_cfg=dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=240, val_interval=1)``."""

    restores_rng_itself = True  # RNGStateHook leaves the restore to run_epoch

    def _restore_rng(self) -> None:
        for hook in self.runner.hooks:
            if isinstance(hook, RNGStateHook):
                hook.restore_pending()

    def run_epoch(self) -> None:
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        done = self._iter - self._epoch * len(self.dataloader)
        if not 0 <= done < len(self.dataloader):
            raise RuntimeError(
                f'Resumed at iteration {self._iter} of epoch {self._epoch + 1}, which has '
                f'{len(self.dataloader)} batches: the checkpoint was written with another '
                'dataset size or batch size. Resume with the same data and batch size.')
        if done == 0:
            self._restore_rng()
        batches = iter(self.dataloader)
        for _ in range(done):  # seen before the interruption: drawn, not trained on
            next(batches)
        if done:
            self.runner.logger.info(f'Resuming epoch {self._epoch + 1} at batch {done + 1}: '
                                    f'skipped the {done} batches trained before the checkpoint.')
            self._restore_rng()
        for idx, data_batch in enumerate(batches, start=done):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
