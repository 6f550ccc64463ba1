"""A misspelt or misplaced key of the model config, refused before anything is built.

mmengine builds the model inside ``Runner.__init__``, after logging the environment and the
whole config (some 300 lines, 10-20 s on a small CPU), so a key the class cannot take
surfaces as the last line of that output. This check reads the config only: for every dict of
``cfg.model`` naming a registered ``type`` whose constructor takes no ``**kwargs``, every other
key must be one of the constructor's arguments, exactly what the build would require. A class
that takes ``**kwargs`` or a name several different classes are registered under is left to
the build (and to ``explain_build_error``), so the check never refuses a config the build
accepts.
"""
import inspect
from typing import Iterator, List, Optional, Tuple

from mmengine.config import Config

from sokd_mm.errors import ConfigError

from .config_checks import _registries, closest_argument

# keys the builder reads itself instead of passing them to the class
BUILDER_KEYS = ('type', '_scope_')


def _typed_dicts(node, prefix: str) -> Iterator[Tuple[str, str, dict]]:
    """``(path, type, dict)`` of every dict under ``node`` whose ``type`` is a name."""
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            yield prefix, node['type'], node
        for key, value in node.items():
            yield from _typed_dicts(value, f'{prefix}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _typed_dicts(value, f'{prefix}.{i}')


def _only_class(type_name: str):
    """The class registered as ``type_name`` (a scope prefix dropped), when every registry
    holding that name holds this one class; otherwise None."""
    short = type_name.split('.')[-1]
    found = {r.module_dict[short] for r in _registries() if short in r.module_dict}
    return found.pop() if len(found) == 1 else None


def _forwards_kwargs_only(init) -> bool:
    """Whether an ``__init__`` does nothing with ``**kwargs`` but pass them on to
    ``super().__init__`` (its source names them twice: the signature and that call)."""
    try:
        source = inspect.getsource(init)
    except (OSError, TypeError):
        return False
    return source.count('kwargs') == 2 and 'super().__init__(' in source and \
        source.count('**kwargs') == 2


def _keyword_arguments(cls) -> Optional[List[str]]:
    """The arguments the constructor takes by name: its own, and where it only forwards
    ``**kwargs`` to its base, the base's (up to one that takes no ``**kwargs``); None when
    that cannot be told from the code (``**kwargs`` used otherwise, an unreadable signature)."""
    import torch.nn as nn
    names: List[str] = []
    for klass in cls.__mro__:
        if klass is nn.Module or klass is object:  # both refuse any keyword argument
            return names
        init = vars(klass).get('__init__')
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        names += [p.name for p in params if p.name not in names and p.name != 'self'
                  and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names
        if not _forwards_kwargs_only(init):
            return None
    return None


def check_model_arguments(cfg: Config) -> None:
    """Raise ``ConfigError`` naming the first key of ``cfg.model`` its class cannot take, the
    closest argument it does take and all of them."""
    for path, type_name, node in _typed_dicts(cfg.to_dict().get('model'), 'model'):
        cls = _only_class(type_name)
        names = _keyword_arguments(cls) if cls is not None else None
        if names is None:
            continue
        unknown = [key for key in node if key not in names and key not in BUILDER_KEYS]
        if unknown:
            arg, short = unknown[0], type_name.split('.')[-1]
            close = closest_argument(arg, names)
            hint = f' Did you mean {close!r}?' if close else ''
            raise ConfigError(f'{path} ({short}) takes no argument {arg!r}: {path}.{arg} in the '
                              f'config (or a --cfg-options key) is misspelt or misplaced.{hint} '
                              f'{short} takes: {", ".join(names)}.')
