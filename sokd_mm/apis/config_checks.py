"""Catch config mistakes before training starts, with messages that say how to fix them."""
import difflib
import re
import warnings
from typing import Dict, Iterable, List, Optional

from mmengine.config import Config


def _flatten_keys(node, prefix: str = '') -> List[str]:
    keys = []
    if isinstance(node, dict):
        for k, v in node.items():
            path = f'{prefix}.{k}' if prefix else str(k)
            keys.append(path)
            keys.extend(_flatten_keys(v, path))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            keys.extend(_flatten_keys(v, f'{prefix}.{i}'))
    return keys


def check_cfg_options(cfg: Config, options: Optional[Dict]) -> List[str]:
    """Warn for each ``--cfg-options`` key that matches nothing in ``cfg`` (a likely typo),
    naming the nearest existing key. New keys stay legal, so this warns instead of failing.
    Returns the warning messages."""
    if not options:
        return []
    existing = _flatten_keys(cfg.to_dict())
    existing_set = set(existing)
    messages = []
    for key in options:
        if key in existing_set:
            continue
        parent = key.rsplit('.', 1)[0] if '.' in key else ''
        siblings = [k for k in existing if k.rsplit('.', 1)[0] == parent] if parent else existing
        close = difflib.get_close_matches(key, siblings or existing, n=1, cutoff=0.6) or \
            difflib.get_close_matches(key, existing, n=1, cutoff=0.6)
        hint = f' Did you mean {close[0]!r}?' if close else ''
        msg = (f'--cfg-options key {key!r} matches nothing in the config; it is added as a new '
               f'key.{hint}')
        warnings.warn(msg, stacklevel=2)
        messages.append(msg)
    return messages


_NOT_IN_REGISTRY = re.compile(r"'?(\S+?)'? is not in the (\S+?)::(\S+) registry")


def _registry_names(scope: str, registry: str) -> Iterable[str]:
    import mmengine.registry as root
    names = set()
    for mod in ('mmpretrain.registry', 'mmrazor.registry', 'mmengine.registry'):
        try:
            module = __import__(mod, fromlist=['x'])
        except ImportError:
            continue
        for obj in vars(module).values():
            if isinstance(obj, root.Registry) and obj.name == registry:
                names.update(obj.module_dict)
    return names


def explain_registry_error(error: Exception) -> Optional[str]:
    """For mmengine's ``KeyError: 'X is not in the scope::kind registry'``, a message naming
    the nearest registered names; ``None`` for any other error."""
    match = _NOT_IN_REGISTRY.search(str(error))
    if not match:
        return None
    name, scope, registry = match.groups()
    short = name.split('.')[-1]
    close = difflib.get_close_matches(short, list(_registry_names(scope, registry)), n=3,
                                      cutoff=0.5)
    hint = f' Did you mean {close}?' if close else ''
    return (f'Unknown {registry} type {name!r} (looked up in the {scope} registry).{hint} '
            "Check the spelling of `type=` in the config; components of another library need "
            "its scope prefix, e.g. type='mmpretrain.CIFAR100'.")
