"""FiniteLossHook: stop at the first NaN/Inf loss term, before anything saves the bad state.

MMEngine logs a NaN loss and trains on. This hook looks at every term the model reported for
the iteration (``loss``, ``loss_cls``, ``distill.loss_kd``, ``soteacher_loss.loss_cr`` ...)
and raises :class:`NonFiniteLossError` naming the term, the iteration and the last complete
checkpoint. It runs before the logger and checkpoint hooks of the same iteration, and an
exception ends the epoch early, so no checkpoint is ever written from the bad state. Under
DDP the ranks agree on the verdict (one small all-reduce per iteration), so all stop together.
With AMP the loss scaler still handles overflowing *gradients* (it skips those steps); this hook
judges the loss values, which a skipped step does not make finite again.
"""
from typing import List, Optional

import torch
import torch.distributed as torch_dist
from mmengine.dist import is_distributed
from mmengine.hooks import Hook

from sokd_mm.errors import SokdError
from sokd_mm.registry import HOOKS

from .deferred_runtime_info_hook import PendingOutputs
from .safe_checkpoint_hook import find_last_complete_checkpoint


class NonFiniteLossError(SokdError, FloatingPointError):
    """A loss term became NaN or Inf."""


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Raise on the first non-finite loss term (module doc)."""

    priority = 'VERY_HIGH'

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or isinstance(outputs, PendingOutputs):
            return  # the device-resident loop checks its pending outputs at its sync point
        # Only loss terms (what mmengine sums, 'loss' in the name): logged diagnostics such as
        # SoTeacher's lipschitz_bound may legitimately overflow on deep networks.
        names = [k for k, v in outputs.items() if isinstance(v, torch.Tensor) and 'loss' in k]
        if not names:
            return
        values = torch.stack([outputs[k].detach().float().reshape(-1)[0] for k in names])
        finite = torch.isfinite(values)
        all_finite = finite.all()
        if is_distributed():
            flag = all_finite.to(torch.int32)
            torch_dist.all_reduce(flag, op=torch_dist.ReduceOp.MIN)
            all_finite = flag.bool()
        if bool(all_finite):
            return
        bad = [f'{n}={v.item()}' for n, v, ok in zip(names, values, finite) if not ok]
        raise non_finite_error(runner, runner.iter + 1, runner.epoch + 1, batch_idx + 1, bad)


def non_finite_error(runner, iteration: int, epoch: int, batch: int,
                     bad: List[str]) -> NonFiniteLossError:
    """The error for non-finite loss terms ``bad`` (``'name=value'``) at a 1-based position;
    also raised by the device-resident loop, which checks the losses at its sync points."""
    # Report the specific terms; 'loss' (their sum) is only named if nothing else is.
    specific = [b for b in bad if not b.startswith('loss=')] or bad
    where = f'iteration {iteration} (epoch {epoch}, batch {batch})'
    detail = ', '.join(specific) if specific else 'on another process'
    last_good = find_last_complete_checkpoint(runner.work_dir) or 'none yet'
    return NonFiniteLossError(
        f'Non-finite loss at {where}: {detail}. Training stopped; no checkpoint was written '
        f'from this state. Last good checkpoint: {last_good}. '
        'Lower the learning rate or the loss weight of that term, add gradient clipping '
        '(optim_wrapper.clip_grad=dict(max_norm=...)), then continue with `--resume`.')
