"""Loading checkpoints without running code from them.

A ``.pth`` file is a pickle: loading it fully can execute anything its author wrote.
``teacher_ckpt`` and ``load_from`` often point at files from elsewhere, so they go through
:func:`load_weights`, which never unpickles arbitrary objects:

1. ``torch.load(weights_only=True)``: weights-only files (``tools/export_weights.py``, plain
   state dicts) load as they are;
2. otherwise (a full mmengine checkpoint pickles message-hub objects, numpy arrays and
   ``builtins.getattr``, which torch refuses and which cannot be allow-listed safely, see
   STACK.md) the file is read with :class:`_InertUnpickler`: tensors and ``OrderedDict`` are
   rebuilt, every other global becomes an inert :class:`_Inert` placeholder that runs nothing.
   Only the ``state_dict`` (or ``model``) mapping of names to tensors is kept.

Anything that yields no such mapping is refused with :class:`UntrustedCheckpointError`, which
says how to convert a trusted file. Only ``--resume`` of the run's own checkpoints unpickles
fully (:func:`trusted_loading`, used by the patched ``Runner.resume`` in ``sokd_mm.compat``).
"""
import contextlib
import contextvars
import os.path as osp
import pickle
import zipfile
from collections import OrderedDict
from typing import Iterator, Optional

import torch

from sokd_mm.errors import SokdError

_TRUSTED = contextvars.ContextVar('sokd_mm_trusted_checkpoint', default=False)

EXPORT_HINT = ('If you trust the file, convert it to a weights-only file first: '
               'python tools/export_weights.py {path} OUT.pth [--part student|teacher]')


class UntrustedCheckpointError(SokdError, pickle.UnpicklingError):
    """The file holds no loadable weights once arbitrary objects are refused."""


class _Inert:
    """Stands in for every non-allow-listed global: accepts any call, does nothing."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __setstate__(self, state) -> None:
        pass

    def __call__(self, *args, **kwargs) -> '_Inert':
        return _Inert()


_ALLOWED = {
    ('collections', 'OrderedDict'): OrderedDict,
    ('torch._utils', '_rebuild_tensor_v2'): torch._utils._rebuild_tensor_v2,
    ('torch._utils', '_rebuild_parameter'): torch._utils._rebuild_parameter,
}


class _InertUnpickler(pickle.Unpickler):
    # torch.load wraps this class and resolves ``torch.*Storage`` names itself.
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        return _Inert


class _InertPickleModule:
    """The ``pickle_module`` argument of ``torch.load``."""
    Unpickler = _InertUnpickler
    load = staticmethod(lambda f, **kw: _InertUnpickler(f, **kw).load())
    __name__ = 'sokd_mm_inert_pickle'


def _weights_of(obj) -> Optional[OrderedDict]:
    """The mapping of names to tensors inside a loaded object, if there is one."""
    if isinstance(obj, dict):
        for key in ('state_dict', 'model'):
            inner = obj.get(key)
            if isinstance(inner, dict) and inner and all(
                    isinstance(k, str) and isinstance(v, torch.Tensor)
                    for k, v in inner.items()):
                return OrderedDict(inner)
        if obj and all(isinstance(k, str) and isinstance(v, torch.Tensor)
                       for k, v in obj.items()):
            return OrderedDict(obj)
    return None


def _damaged_record(path: str) -> Optional[str]:
    """The first record of a zip-format torch file whose bytes fail their CRC (torch reads
    them without checking), or None. Legacy (non-zip) files are left to torch."""
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            return archive.testzip()
    except (OSError, zipfile.BadZipFile):
        return None


def load_weights(path: str, map_location='cpu') -> dict:
    """Weights of ``path`` as ``{'state_dict': ..., 'meta': {...}}``, never running its code."""
    path = osp.expanduser(path)
    damaged = _damaged_record(path)
    if damaged:
        raise UntrustedCheckpointError(
            f'{path} is damaged: its record {damaged} fails the CRC check (the file changed '
            'after it was written); use another copy or another checkpoint.')
    try:
        obj = torch.load(path, map_location=map_location, weights_only=True)
        meta = obj.get('meta', {}) if isinstance(obj, dict) else {}
    except Exception:  # refused globals (UnpicklingError) or a damaged file: try inertly
        try:
            obj = torch.load(path, map_location=map_location, weights_only=False,
                             pickle_module=_InertPickleModule)
        except Exception as error:  # a broken or non-torch file: refuse, do not guess
            raise UntrustedCheckpointError(
                f'{path} is not a readable weights file ({type(error).__name__}: {error}). '
                + EXPORT_HINT.format(path=path)) from None
        meta = {}
    weights = _weights_of(obj)
    if weights is None:
        raise UntrustedCheckpointError(
            f'{path} holds no weights that load without executing code from the file (no '
            'mapping of names to tensors under "state_dict", "model" or at the top level). '
            + EXPORT_HINT.format(path=path))
    return {'state_dict': weights, 'meta': meta if isinstance(meta, dict) else {}}


@contextlib.contextmanager
def trusted_loading() -> Iterator[None]:
    """Within this block the local checkpoint loader unpickles fully (own resume files)."""
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)


def load_local_checkpoint(filename: str, map_location=None) -> dict:
    """mmengine's loader for local paths (registered by ``sokd_mm.compat``)."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'Checkpoint file {filename!r} does not exist. Check the path given to '
            '--resume / load_from / teacher_ckpt.')
    if _TRUSTED.get():
        return torch.load(filename, map_location=map_location, weights_only=False)
    return load_weights(filename, map_location=map_location)


PART_PREFIXES = {'student': 'architecture.', 'teacher': 'teacher.'}


def export_weights(src: str, dst: str, part: str = 'model') -> int:
    """Write the weights of a *trusted* checkpoint ``src`` as a weights-only file ``dst``.

    ``part``: ``model`` keeps the whole state dict; ``student`` / ``teacher`` keep one network of
    a distillation checkpoint, renamed so that it loads as a plain classifier (``load_from``,
    ``teacher_ckpt``). Returns the number of tensors written.
    """
    if part not in ('model', *PART_PREFIXES):
        raise ValueError(f'part must be model, student or teacher, got {part!r}')
    checkpoint = torch.load(osp.expanduser(src), map_location='cpu', weights_only=False)
    state = _weights_of(checkpoint)
    if state is None:
        raise ValueError(f'{src} holds no mapping of names to tensors under "state_dict", '
                         '"model" or at the top level.')
    if part != 'model':
        prefix = PART_PREFIXES[part]
        state = OrderedDict((k[len(prefix):], v) for k, v in state.items()
                            if k.startswith(prefix))
        if not state:
            raise ValueError(f'{src} has no {part} weights (no key starts with {prefix!r}); it '
                             'is not a distillation checkpoint: use --part model.')
    state = OrderedDict((k, v.detach().clone().contiguous()) for k, v in state.items())
    meta = dict(source=osp.basename(src), part=part)
    torch.save({'state_dict': state, 'meta': meta}, dst)
    torch.load(dst, map_location='cpu', weights_only=True)  # the promise: loads weights-only
    return len(state)
