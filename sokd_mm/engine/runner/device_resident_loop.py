"""DeviceResidentTrainLoop: the fast runtime's training loop (``tools/train.py --fast``).

Same training as :class:`ResumableEpochBasedTrainLoop` (same sampler order, same model step,
same hooks, mid-epoch resume), with the two per-iteration costs that dominate small models on a
GPU taken out:

* **Data.** The training split lives on the model's device as one uint8 tensor and each batch is
  cropped, flipped and gathered there (:mod:`sokd_mm.datasets.device_pipeline`); no worker
  processes, no host-to-device image copies. The batches' index lists are the config's sampler's,
  so the order is the standard runtime's.
* **Host synchronisation.** MMEngine's ``RuntimeInfoHook`` turns every logged loss into a Python
  float each iteration (``.item()``: the host waits for the GPU) and our ``FiniteLossHook``
  reads the loss values each iteration too. Here the detached loss tensors are kept on the
  device and read in one transfer at each *sync point* (every logger interval, every
  iteration-based checkpoint, the end of each epoch): the message hub then receives the same
  per-iteration values, in order, before the logger or the checkpoint hook reads it, and a
  non-finite loss stops training at the sync point naming its first iteration, before any
  checkpoint is written. The price: up to one logging interval of steps is trained after a NaN.
  Hooks still receive each iteration's outputs, as :class:`PendingOutputs` (device tensors;
  ``DeferredRuntimeInfoHook`` replaces mmengine's ``RuntimeInfoHook``, which would read them).
  The model prepares itself (``prepare_device_loop()``: SoKD's augmenters sample on the device,
  so policy draws, op randomness and magnitudes stay there); the batches are made on the
  device, so the data preprocessor's move of them copies nothing.

On CUDA the model and the batches use ``channels_last`` (``channels_last='auto'``; not under
DDP, whose gradient buckets are laid out before the loop exists). ``compile_teacher=True`` (or a
dict of ``torch.compile`` arguments) puts the teacher's forward through ``torch.compile``
(``nn.Module.compile``: same module, same state dict; the recorders' hooks on its submodules are
traced with it). The teacher is frozen and runs without gradients, so its graph never changes:
the part of the step where compilation pays without touching the training semantics.

Config: ``train_cfg = dict(type='DeviceResidentTrainLoop', max_epochs=240, val_interval=1)``,
or ``--fast`` on a config's ``ResumableEpochBasedTrainLoop``.
"""
import math
from typing import Iterator, List, Optional, Tuple, Union

import torch
import torch.distributed as torch_dist
from mmengine.dist import get_rank, is_distributed
from mmengine.hooks import CheckpointHook, LoggerHook, RuntimeInfoHook
from mmengine.model import is_model_wrapper

from sokd_mm.datasets.device_pipeline import (DeviceResidentData, augmentation_from_pipeline,
                                              batch_seed)
from sokd_mm.engine.hooks.deferred_runtime_info_hook import PendingOutputs
from sokd_mm.engine.hooks.finite_loss_hook import non_finite_error
from sokd_mm.errors import ConfigError
from sokd_mm.registry import LOOPS

from .resumable_loop import ResumableEpochBasedTrainLoop


@LOOPS.register_module()
class DeviceResidentTrainLoop(ResumableEpochBasedTrainLoop):
    """Epoch-based training from device-resident data, synchronising only at sync points."""

    def __init__(self, runner, dataloader, max_epochs: int,
                 channels_last: Union[bool, str] = 'auto',
                 compile_teacher: Union[bool, dict] = False,
                 sync_interval: Optional[int] = None, **kwargs) -> None:
        super().__init__(runner, dataloader, max_epochs, **kwargs)
        pipeline = getattr(self.dataloader.dataset, 'pipeline', None)
        if pipeline is None:
            raise ConfigError(
                f'{type(self.dataloader.dataset).__name__} has no pipeline of its own (a '
                'dataset wrapper?): the device-resident loop reads the augmentation from the '
                'training dataset\'s pipeline. Train without --fast.')
        augmentation_from_pipeline(pipeline.transforms)  # refuse unsupported ones before training
        if channels_last not in (True, False, 'auto'):
            raise ConfigError(f"train_cfg.channels_last={channels_last!r}: use True, False or "
                              "'auto' (on CUDA without DDP).")
        if sync_interval is not None and (not isinstance(sync_interval, int)
                                          or sync_interval < 1):
            raise ConfigError(f'train_cfg.sync_interval={sync_interval!r}: give a positive '
                              'number of iterations, or leave it out (the logger interval).')
        if not isinstance(compile_teacher, (bool, dict)):
            raise ConfigError(f'train_cfg.compile_teacher={compile_teacher!r}: use True, False '
                              "or a dict of torch.compile arguments (e.g. dict(mode="
                              "'max-autotune')).")
        self.channels_last, self.compile_teacher = channels_last, compile_teacher
        self.sync_interval = sync_interval
        self.data: Optional[DeviceResidentData] = None
        self._pending: List[Tuple[int, int, int, dict]] = []  # (iter, epoch, batch, outputs)
        self._sync_every: List[int] = []

    # -- set-up ------------------------------------------------------------------------------
    def _model(self) -> torch.nn.Module:
        model = self.runner.model
        return model.module if is_model_wrapper(model) else model

    def _prepare(self) -> None:
        model = self._model()
        device = next(model.parameters()).device
        channels_last = (device.type == 'cuda' and not is_distributed()
                         if self.channels_last == 'auto' else self.channels_last)
        if channels_last:
            model.to(memory_format=torch.channels_last)
        if self.compile_teacher:
            teacher = getattr(model, 'teacher', None)
            if teacher is None:
                raise ConfigError('train_cfg.compile_teacher=True, but the model has no '
                                  'teacher (not a distillation config): leave it out.')
            options = self.compile_teacher if isinstance(self.compile_teacher, dict) else {}
            teacher.compile(**options)
            self.runner.logger.info(f'Teacher forward compiled: torch.compile({options}).')
        self.data = DeviceResidentData(self.dataloader.dataset, device, channels_last)
        self._check_runtime_info_hook()
        self._no_waits_in_the_step(model)
        intervals = [self.sync_interval] if self.sync_interval else []
        for hook in self.runner.hooks:
            if isinstance(hook, LoggerHook) and not self.sync_interval:
                intervals.append(hook.interval)
            if isinstance(hook, CheckpointHook) and not hook.by_epoch:
                intervals.append(hook.interval)
        self._sync_every = intervals or [50]
        self.runner.logger.info(
            f'Device-resident training data: {len(self.data.samples)} images on {device} '
            f'(padding {self.data.padding}, flip {self.data.flip_prob}), channels_last='
            f'{channels_last}; losses read every {min(self._sync_every)} iterations.')

    def _check_runtime_info_hook(self) -> None:
        plain = [h for h in self.runner.hooks if type(h) is RuntimeInfoHook]
        if plain:
            raise ConfigError(
                "DeviceResidentTrainLoop logs the losses at its sync points; mmengine's "
                'RuntimeInfoHook would read them every iteration and log them twice. Set '
                "default_hooks.runtime_info=dict(type='DeferredRuntimeInfoHook') (tools/train.py "
                '--fast does).')

    def _no_waits_in_the_step(self, model: torch.nn.Module) -> None:
        """The model prepares itself for a step without host reads (``prepare_device_loop()``,
        e.g. SoKD's augmenters sampling on the device). The batches are made on the model's
        device, so the preprocessor's move of them is a no-op, blocking or not."""
        prepare = getattr(model, 'prepare_device_loop', None)
        for line in (prepare() if callable(prepare) else None) or ():
            self.runner.logger.info(line)

    def run(self) -> torch.nn.Module:
        self._prepare()
        return super().run()  # the resumable loop's (validation owed on resume included)

    # -- the epoch (the parent's run_epoch: RNG order, mid-epoch resume) ----------------------
    def _epoch_batches(self, done: int) -> Iterator[Tuple[int, dict]]:
        """The sampler's index lists, as the dataloader would use them, made into batches on
        the device; the first ``done`` are skipped without being made."""
        index_lists = list(self.dataloader.batch_sampler)
        seed, rank = self.runner.seed, get_rank()
        return ((idx, self.data.batch(index_lists[idx], batch_seed(seed, self._epoch, idx, rank)))
                for idx in range(done, len(index_lists)))

    def run_iter(self, idx: int, data_batch: dict) -> None:
        self.runner.call_hook('before_train_iter', batch_idx=idx, data_batch=data_batch)
        outputs = self.runner.model.train_step(data_batch,
                                               optim_wrapper=self.runner.optim_wrapper)
        detached = {k: v.detach() if isinstance(v, torch.Tensor) else v
                    for k, v in outputs.items()}
        self._pending.append((self._iter, self._epoch, idx, detached))
        done_iters = self._iter + 1
        if idx + 1 == len(self.dataloader) or done_iters == self._max_iters or any(
                done_iters % n == 0 or (idx + 1) % n == 0 for n in self._sync_every):
            self.sync()
        # The outputs as mmengine's loops give them, marked pending: the sync points log and
        # check them (DeferredRuntimeInfoHook and FiniteLossHook leave them to the loop).
        self.runner.call_hook('after_train_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=PendingOutputs(detached))
        self._iter += 1

    # -- the sync point ----------------------------------------------------------------------
    def sync(self) -> None:
        """Read the pending iterations' losses in one transfer, stop on a non-finite loss
        term, and log every iteration's values to the message hub in order."""
        pending, self._pending = self._pending, []
        tensors = [(i, k, v) for i, (_, _, _, out) in enumerate(pending)
                   for k, v in out.items() if isinstance(v, torch.Tensor)]
        host = (torch.stack([v.float().reshape(-1)[0] for _, _, v in tensors]).cpu().tolist()
                if tensors else [])
        values = [dict(out) for _, _, _, out in pending]
        for (i, key, _), value in zip(tensors, host):
            values[i][key] = value
        bad = [[f'{k}={v}' for k, v in out.items()
                if 'loss' in k and isinstance(v, float) and not math.isfinite(v)]
               for out in values]
        first_bad = next((i for i, terms in enumerate(bad) if terms), None)
        if is_distributed():  # every rank stops, or none
            flag = torch.tensor([0 if first_bad is None else 1],
                                device=next(self._model().parameters()).device)
            torch_dist.all_reduce(flag, op=torch_dist.ReduceOp.MAX)
            if flag.item() and first_bad is None:  # another rank's loss: name the span's end
                first_bad = len(pending) - 1
        if first_bad is not None:
            iteration, epoch, batch, _ = pending[first_bad]
            raise non_finite_error(self.runner, iteration + 1, epoch + 1, batch + 1,
                                   bad[first_bad])
        hub = self.runner.message_hub
        for out in values:
            for key, value in out.items():
                hub.update_scalar(f'train/{key}', value)
