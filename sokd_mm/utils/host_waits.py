"""Count what makes the host wait for the device during training, on any machine.

``HostWaitCounter`` is a ``TorchFunctionMode`` that follows where each tensor would live on a
GPU machine: a factory called without ``device=`` (``torch.rand(...)``, ``torch.tensor(...)``,
a CPU generator's draws), ``.cpu()`` and whatever is computed from such tensors alone are
*host* tensors; parameters, buffers, the batch and everything computed from them are *device*
tensors. While ``active`` it records the call site of

- every read of a device tensor's value: ``.item()``, ``bool``, ``float``, ``int``,
  ``.tolist()``, ``.cpu()``, ``.numpy()`` (reading a host tensor waits for nothing);
  ``torch.optim``'s reads are exempt: they read its step counters, which PyTorch keeps on the
  host for this reason;
- every blocking host-to-device copy: ``new_tensor`` on a device tensor, ``torch.tensor`` /
  ``torch.as_tensor`` with a ``device``, ``.to(device)`` / ``.cuda()`` / ``copy_`` / item
  assignment of a host tensor without ``non_blocking=True``.

On a CPU no synchronisation can be timed, so this is how the fast runtime's promise (no wait
between sync points) is tested (``tests/test_engine/test_no_host_waits.py``) and reported by
``benchmarks/sokd_step.py``. Written here because PyTorch's own ``set_sync_debug_mode`` only
works on CUDA. Usage::

    with HostWaitCounter() as counter:      # enter before the tensors of interest are made
        ...                                 # set counter.active = True around the steps
    print(counter.sites)

or, for a training run, ``run_host_waits(cfg, first, last)``.
"""
import traceback

from typing import List

import torch
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from torch.overrides import TorchFunctionMode

READS = ('item', '__bool__', '__float__', '__int__', 'tolist', 'cpu', 'numpy')
FACTORIES = ('rand', 'randn', 'randint', 'randperm', 'tensor', 'as_tensor', 'zeros', 'ones',
             'full', 'empty', 'arange', 'linspace', 'eye', 'normal', 'scalar_tensor')
NOT_CALL_SITES = (__file__, '/torch/overrides.py', '/torch/utils/_device.py')
EXEMPT = ('/torch/optim/', )


def _is_host(t) -> bool:
    return isinstance(t, torch.Tensor) and getattr(t, '_made_on_host', False)


def _tensors(values) -> list:
    out = []
    for v in values:
        if isinstance(v, torch.Tensor):
            out.append(v)
        elif isinstance(v, (list, tuple)):
            out.extend(t for t in v if isinstance(t, torch.Tensor))
    return out


def _device_target(args, kwargs):
    """The target of ``.to(...)`` if it names a device (a device, a string or a tensor)."""
    if kwargs.get('device') is not None:
        return kwargs['device']
    return next((a for a in args if isinstance(a, (torch.device, str, torch.Tensor))), None)


class HostWaitCounter(TorchFunctionMode):
    """Follows host and device tensors for the whole run; records the call site of every read
    and blocking copy while ``active``."""

    def __init__(self) -> None:
        super().__init__()
        self.active, self.sites = False, []  # type: bool, List[str]

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        if self.active:
            what = self._wait(name, args, kwargs)
            if what:
                frame = next(f for f in reversed(traceback.extract_stack()[:-1])
                             if not f.filename.endswith(NOT_CALL_SITES))
                if not any(part in frame.filename for part in EXEMPT):
                    self.sites.append(f'{what} at {frame.filename}:{frame.lineno}')
        out = func(*args, **kwargs)
        self._mark(name, args, kwargs, out)
        return out

    @staticmethod
    def _wait(name, args, kwargs):
        first = args[0] if args else None
        non_blocking = kwargs.get('non_blocking', False)
        if name in READS or name == 'new_tensor':
            return name if isinstance(first, torch.Tensor) and not _is_host(first) else None
        if name in ('tensor', 'as_tensor'):
            return name if kwargs.get('device') is not None else None
        if name in ('to', 'cuda'):
            moved = name == 'cuda' or _device_target(args[1:], kwargs) is not None
            return name if moved and _is_host(first) and not non_blocking else None
        if name == 'copy_':
            return name if (not _is_host(first) and _is_host(args[1]) and not non_blocking
                            and not (len(args) > 2 and args[2])) else None
        if name == '__setitem__':
            return name if not _is_host(first) and _is_host(args[2]) else None
        return None

    @staticmethod
    def _mark(name, args, kwargs, out) -> None:
        if name in FACTORIES:
            host = kwargs.get('device') is None
        elif name == 'cpu':
            host = True
        elif name in ('to', 'cuda') and (name == 'cuda'
                                         or _device_target(args[1:], kwargs) is not None):
            host = False
        else:
            inputs = _tensors(list(args) + list(kwargs.values()))
            host = bool(inputs) and all(_is_host(t) for t in inputs)
        for t in _tensors(out if isinstance(out, (list, tuple)) else [out]):
            t._made_on_host = host


class _WindowStart(Hook):
    priority = 'HIGHEST'  # before every other hook of the first iteration

    def __init__(self, counter: HostWaitCounter, first: int) -> None:
        self.counter, self.first = counter, first

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter == self.first:
            self.counter.active = True


class _WindowEnd(Hook):
    priority = 'LOWEST'  # after every other hook of the last iteration

    def __init__(self, counter: HostWaitCounter, last: int) -> None:
        self.counter, self.last = counter, last

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter == self.last:
            self.counter.active = False


def run_host_waits(cfg, first: int, last: int) -> List[str]:
    """Train a runner built from ``cfg`` and return the host waits of iterations ``first`` to
    ``last`` (0-based, inclusive; from the first one's hooks to the last one's)."""
    counter = HostWaitCounter()
    # The runner makes its scope the process-wide default; the context puts the previous
    # scopes back afterwards, or later builds would look in mmrazor's registry.
    with DefaultScope.overwrite_default_scope('mmrazor'):
        runner = Runner.from_cfg(cfg)
        runner.register_hook(_WindowStart(counter, first))
        runner.register_hook(_WindowEnd(counter, last))
        with counter:
            runner.train()
    return counter.sites
