"""BF16OptimWrapper: bfloat16 autocast with no loss scaler (the fast runtime's precision).

mmengine's ``AmpOptimWrapper`` always steps through a ``GradScaler``, whose ``step`` reads the
inf/NaN flag of the gradients back to the host every iteration (a GPU synchronisation per
step). Loss scaling exists for float16's narrow exponent; bfloat16 has float32's exponent range
and needs none, so this wrapper enters ``torch.autocast(dtype=torch.bfloat16)`` around the
forward and otherwise steps exactly as the plain ``OptimWrapper``: parameters, gradients and
optimizer state stay float32.

Meant for CUDA, where autocast runs softmax, log-softmax and the losses in float32. It also runs
on a CPU (the tests use it there), but CPU autocast keeps softmax in bfloat16: a distillation
loss such as KD's KL divergence then carries bf16 rounding (tiny negative values with an
untrained teacher), so a warning says so once.
"""
import warnings
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper

from sokd_mm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``optim_context`` autocasts the forward to bfloat16."""

    @contextmanager
    def optim_context(self, model: torch.nn.Module):
        device_type = next(model.parameters()).device.type
        if device_type == 'cpu' and not getattr(self, '_warned_cpu', False):
            self._warned_cpu = True
            warnings.warn('BF16OptimWrapper on a CPU: CPU autocast computes softmax in '
                          'bfloat16, so distillation losses carry bf16 rounding. Use it on '
                          'CUDA (tools/train.py --fast enables it only there).')
        with super().optim_context(model), torch.autocast(device_type=device_type,
                                                          dtype=torch.bfloat16):
            yield
