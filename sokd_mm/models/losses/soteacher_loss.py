"""SoTeacher's objective for training a teacher for its students (docs/en/methods.md section 1)::

    L = CE(z, y) + lambda_CR(e) * L_CR + lambda_LR * R_Lip

    L_CR = 1/B sum_i sum_c (p_ic - q[idx_i]_c)^2      from epoch 2 on; q is a constant
    q[idx] <- (1 - tau) q[idx] + tau p.detach()      after the loss, on every rank's samples
    tau = 1/e            (ensemble_mode='running_mean': q = mean of one prediction per epoch)
    tau = 1/(1 + e), e>1 (ensemble_mode='reference': the authors' code; epoch 1 overwrites)

    lambda_CR(e) = lambda_CR * e/E                      'linear' (default)
                 = lambda_CR * [e > start_epoch]        'step' (the authors' scheduler steps
                                                         after each epoch: on from start_epoch + 1)
                 = lambda_CR * cos((1 - e/E) pi/2)      'cosine'
                 = lambda_CR * sqrt(1 - (1 - e/E)^2)    'cycle'

``q`` (N x C) is the per-sample temporal ensemble, indexed by ``sample_idx``. It is kept as a
plain tensor rather than a registered buffer so that DDP does not broadcast it every step and so
that it can stay off the GPU for ImageNet-size sets; ``_save_to_state_dict`` /
``_load_from_state_dict`` still put it, and the epoch it has reached, into every checkpoint.
Memory: N * C * 4 bytes in float32 (CIFAR-100: 20 MB); ImageNet: 5.1 GB, so use
``ensemble_device='cpu'`` and/or ``ensemble_dtype='float16'`` (2.6 GB) there.
"""
import math
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine import dist

from .lipschitz_loss import lipschitz_bound
from sokd_mm.errors import SokdError
from sokd_mm.registry import SHARED_MODELS

CR_SCHEDULES = ('linear', 'step', 'cosine', 'cycle')
ENSEMBLE_MODES = ('running_mean', 'reference')


class SoTeacherConfigError(SokdError, ValueError):
    """A SoTeacher hyperparameter or its data/checkpoint does not fit."""


def _check_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0:
        raise SoTeacherConfigError(f'SoTeacherLoss: {name} must be a finite number >= 0, got '
                                   f'{value!r}')
    return float(value)


def cr_weight(schedule: str, lambda_cr: float, epoch: int, max_epochs: int,
              start_epoch: int = 50) -> float:
    """lambda_CR(e) of the schedule at (1-based) ``epoch`` of ``max_epochs``."""
    progress = min(epoch / max_epochs, 1.0)
    if schedule == 'linear':
        return lambda_cr * progress
    if schedule == 'step':
        # The authors' scheduler steps after each epoch: 0 up to and including start_epoch.
        return lambda_cr if epoch > start_epoch else 0.0
    if schedule == 'cosine':
        return lambda_cr * math.cos((1 - progress) * math.pi / 2)
    if schedule == 'cycle':
        return lambda_cr * math.sqrt(1 - (1 - progress) ** 2)
    raise SoTeacherConfigError(f'SoTeacherLoss: cr_schedule must be one of {CR_SCHEDULES}, '
                               f'got {schedule!r}')


def ensemble_rate(mode: str, epoch: int) -> float:
    """tau, the weight of this epoch's prediction in the ensemble update."""
    if mode == 'running_mean':
        return 1.0 / epoch
    return 1.0 if epoch == 1 else 1.0 / (1 + epoch)


@SHARED_MODELS.register_module()
class SoTeacherLoss(nn.Module):
    """Args:
        num_samples: N, the training-set size. Leave it out (the usual case): SoTeacherHook
            sizes the ensemble from the training set before training starts; a resumed
            checkpoint's ensemble must then match that set.
        num_classes: C.
        lambda_cr: consistency weight at the end of the ramp (default 1.0).
        lambda_lr: Lipschitz weight (default 1e-5, the authors' code; their paper sweeps
            about 0.5e-6 .. 2e-6).
        cr_schedule: ``'linear'``, ``'step'``, ``'cosine'`` or ``'cycle'``.
        start_epoch: for ``'step'``, the last epoch without consistency (the authors' 50: on
            from epoch 51).
        ensemble_mode: ``'running_mean'`` (tau = 1/e) or ``'reference'`` (tau = 1/(1+e)).
        ensemble_device: ``None`` (the logits' device) or e.g. ``'cpu'``.
        ensemble_dtype: ``'float32'`` or ``'float16'``.
        ce_weight: weight of the cross-entropy term.
    """

    def __init__(self, num_samples: Optional[int] = None, num_classes: int = None,
                 lambda_cr: float = 1.0,
                 lambda_lr: float = 1e-5, cr_schedule: str = 'linear', start_epoch: int = 50,
                 ensemble_mode: str = 'running_mean', ensemble_device: Optional[str] = None,
                 ensemble_dtype: str = 'float32', ce_weight: float = 1.0) -> None:
        super().__init__()
        checked = [('num_classes', num_classes)]
        if num_samples is not None:
            checked.append(('num_samples', num_samples))
        for name, value in checked:
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise SoTeacherConfigError(f'SoTeacherLoss: {name} must be a positive integer, '
                                           f'got {value!r}')
        self.lambda_cr = _check_number('lambda_cr', lambda_cr)
        self.lambda_lr = _check_number('lambda_lr', lambda_lr)
        self.ce_weight = _check_number('ce_weight', ce_weight)
        if cr_schedule not in CR_SCHEDULES:
            raise SoTeacherConfigError(f'SoTeacherLoss: cr_schedule must be one of '
                                       f'{CR_SCHEDULES}, got {cr_schedule!r}')
        if ensemble_mode not in ENSEMBLE_MODES:
            raise SoTeacherConfigError(f'SoTeacherLoss: ensemble_mode must be one of '
                                       f'{ENSEMBLE_MODES}, got {ensemble_mode!r}')
        if ensemble_dtype not in ('float32', 'float16'):
            raise SoTeacherConfigError("SoTeacherLoss: ensemble_dtype must be 'float32' or "
                                       f"'float16', got {ensemble_dtype!r}")
        self.cr_schedule, self.start_epoch = cr_schedule, int(start_epoch)
        self.ensemble_mode, self.ensemble_device = ensemble_mode, ensemble_device
        # Sized now when num_samples is given, else by SoTeacherHook (or a resumed checkpoint).
        self.fixed_size = num_samples is not None
        self.ensemble = torch.zeros(num_samples or 0, num_classes,
                                    dtype=getattr(torch, ensemble_dtype),
                                    device=ensemble_device or 'cpu')
        self.ensemble_epoch = 0  # the last epoch whose predictions were folded into q
        self.epoch: Optional[int] = None  # set by SoTeacherHook before each epoch
        self.max_epochs: Optional[int] = None

    @property
    def sized(self) -> bool:
        return self.ensemble.shape[0] > 0

    def allocate(self, num_samples: int) -> None:
        """Size an empty ensemble for a training set of ``num_samples`` (zeros)."""
        if not self.sized:
            self.ensemble = self.ensemble.new_zeros(num_samples, self.ensemble.shape[1])

    # -- schedule, moved by SoTeacherHook --------------------------------------------------
    def set_epoch(self, epoch: int, max_epochs: int) -> None:
        self.epoch, self.max_epochs = int(epoch), int(max_epochs)

    @property
    def current_lambda_cr(self) -> float:
        return cr_weight(self.cr_schedule, self.lambda_cr, self.epoch, self.max_epochs,
                         self.start_epoch)

    # -- the objective -----------------------------------------------------------------------
    def forward(self, logits: torch.Tensor, target: torch.Tensor, sample_idx: torch.Tensor,
                model: nn.Module) -> Dict[str, torch.Tensor]:
        if self.epoch is None:
            raise SoTeacherConfigError(
                'SoTeacherLoss has no epoch: add SoTeacherHook to the config '
                "(custom_hooks=[dict(type='SoTeacherHook')]) so it can move the schedule.")
        if self.ensemble_device is None and self.ensemble.device != logits.device:
            self.ensemble = self.ensemble.to(logits.device)
        n = self.ensemble.shape[0]
        if not self.sized:
            raise SoTeacherConfigError(
                'SoTeacherLoss has no ensemble yet: SoTeacherHook sizes it from the training '
                'set before training (or set soteacher_loss.num_samples).')
        # Checked where the indices are on the host (SoTeacherClassifier passes them so): on a
        # GPU tensor the check would make the host wait for the device every iteration.
        if sample_idx.device.type == 'cpu' and (int(sample_idx.max()) >= n
                                                 or int(sample_idx.min()) < 0):
            raise SoTeacherConfigError(
                f'sample_idx {int(sample_idx.max())} is outside the ensemble of '
                f'{n} samples: set soteacher_loss.num_samples to the training-set size.')
        probs = F.softmax(logits.float(), dim=1)
        losses = {'loss_ce': self.ce_weight * F.cross_entropy(logits, target)}
        lam = self.current_lambda_cr
        idx = sample_idx.to(self.ensemble.device, non_blocking=True)
        if self.epoch >= 2 and self.training:
            q = self.ensemble[idx].to(probs.device, torch.float32, non_blocking=True)
            consistency = ((probs - q) ** 2).sum(dim=1).mean()
        else:
            consistency = probs.new_zeros(())
        bound = lipschitz_bound(model)
        if bound.device != logits.device:  # only a model without weights gives a host zero
            bound = bound.to(logits.device)
        losses['loss_cr'] = lam * consistency
        losses['loss_lip'] = self.lambda_lr * bound
        # Logged next to the losses but not summed into the objective (no 'loss' in the name).
        # new_full fills on the device; new_tensor would copy the number from the host.
        losses['lambda_cr'] = probs.new_full((), lam)
        losses['consistency'] = consistency.detach()
        losses['lipschitz_bound'] = bound.detach()
        if self.training:
            self._update_ensemble(sample_idx, probs.detach())
        return losses

    @torch.no_grad()
    def _update_ensemble(self, sample_idx: torch.Tensor, probs: torch.Tensor) -> None:
        if dist.get_world_size() > 1:  # every rank folds in every rank's samples
            sample_idx = torch.cat(dist.all_gather(sample_idx.to(probs.device,
                                                                 non_blocking=True)))
            probs = torch.cat(dist.all_gather(probs))
        tau = ensemble_rate(self.ensemble_mode, self.epoch)
        idx = sample_idx.to(self.ensemble.device, non_blocking=True)
        new = (1 - tau) * self.ensemble[idx].float() + tau * probs.to(self.ensemble.device,
                                                                      non_blocking=True)
        self.ensemble[idx] = new.to(self.ensemble.dtype)
        self.ensemble_epoch = self.epoch

    # -- checkpointing of the ensemble ------------------------------------------------------
    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'ensemble'] = self.ensemble if keep_vars else self.ensemble.detach()
        destination[prefix + 'ensemble_epoch'] = torch.tensor(self.ensemble_epoch)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        key = prefix + 'ensemble'
        if key in state_dict:
            saved = state_dict[key]
            if not self.fixed_size and not self.sized and saved.dim() == 2 \
                    and saved.shape[1] == self.ensemble.shape[1]:
                self.allocate(saved.shape[0])  # SoTeacherHook checks it against the data
            if saved.shape != self.ensemble.shape:
                raise SoTeacherConfigError(
                    f'The checkpoint holds a SoTeacher ensemble of shape {tuple(saved.shape)} '
                    f'(samples x classes) but this run has {tuple(self.ensemble.shape)}: it was '
                    'made for another dataset. Resume only runs of the same dataset and '
                    'num_samples, or start fresh (without --resume).')
            self.ensemble.copy_(saved.to(self.ensemble.device, self.ensemble.dtype))
            self.ensemble_epoch = int(state_dict[prefix + 'ensemble_epoch'])
        elif strict:
            missing_keys.append(key)
        super()._load_from_state_dict(
            {k: v for k, v in state_dict.items() if k not in (key, prefix + 'ensemble_epoch')},
            prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
