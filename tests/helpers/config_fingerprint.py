"""What a config builds, as JSON: the model's modules with their settings and parameter
shapes, the optimizers with their parameter groups, the schedule and the model wrapper.

``tests/test_configs/config_fingerprints.json`` holds the fingerprint of every shipped config
(and of the SoKD ablation's variants, keyed by their SPEC entry): a change in how configs are
written must leave what they build unchanged (tests/test_configs/test_config_fingerprints.py).
Regenerate only after a deliberate change of what a config builds::

    python tests/helpers/config_fingerprint.py --write
"""
import json
import os.path as osp
import sys
from typing import Dict, Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
GOLDEN = osp.join(REPO, 'tests', 'test_configs', 'config_fingerprints.json')


def _plain(value):
    """``value`` as JSON if it is plain data (numbers, strings, lists, dicts), else None."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return None if any(i is None and v is not None for i, v in zip(items, value)) \
            else items
    if isinstance(value, dict):
        items = {str(k): _plain(v) for k, v in value.items()}
        return None if any(items[str(k)] is None and v is not None
                           for k, v in value.items()) else items
    return None


def digest(value) -> str:
    """A short hash of plain data with its size: long lists compared, not stored."""
    import hashlib
    text = json.dumps(value, sort_keys=True)
    return f'{len(value)} items, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}'


def module_settings(model) -> Dict[str, dict]:
    """Each student-side module outside ``torch.nn`` (their settings show in the parameter
    shapes): its class and its public plain-data attributes."""
    out = {}
    for name, module in model.named_modules():
        if name == 'teacher' or name.startswith('teacher.') \
                or type(module).__module__.startswith('torch.nn'):
            continue
        attrs = {}
        for key, value in vars(module).items():
            if key.startswith('_') or key == 'training':
                continue
            plain = _plain(value)
            if plain is not None or value is None:
                attrs[key] = plain
        for side in ('student_recorders', 'teacher_recorders'):  # managers, not modules
            manager = getattr(module, side, None)
            if manager is not None and hasattr(manager, 'recorders'):
                attrs[side] = {k: [type(r).__name__, r.source]
                               for k, r in manager.recorders.items()}
        out[name or '<model>'] = dict(type=type(module).__name__, **attrs)
    return out


def optimizer_settings(model, optim_wrapper_cfg) -> Dict[str, dict]:
    from mmengine.optim import OptimWrapperDict, build_optim_wrapper
    wrapper = build_optim_wrapper(model, optim_wrapper_cfg)
    wrappers = dict(wrapper.items()) if isinstance(wrapper, OptimWrapperDict) \
        else {'': wrapper}
    names = {id(p): n for n, p in model.named_parameters()}
    out = {}
    for key, w in wrappers.items():
        opt = w.optimizer
        groups = []
        for group in opt.param_groups:
            groups.append(dict(
                {k: _plain(v) for k, v in group.items() if k != 'params'},
                params=digest(sorted(names.get(id(p), '?') for p in group['params']))))
        out[key] = dict(wrapper=type(w).__name__, optimizer=type(opt).__name__,
                        groups=groups)
    return out


def fingerprint(path: str, options: Optional[dict] = None) -> dict:
    """The fingerprint of the config at ``path`` (relative to the repo) with ``options``."""
    import torch
    from mmengine.registry import DefaultScope
    from mmrazor.registry import MODELS

    from sokd_mm.apis import load_config
    cfg = load_config(osp.join(REPO, path), options)
    model_cfg = cfg.model.copy()
    if 'teacher' in model_cfg:  # no checkpoint needed to see what is built
        model_cfg.update(teacher_ckpt=None, allow_random_teacher=True)
    model_cfg.pop('_scope_', None)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope') or 'mmrazor'):
        model = MODELS.build(model_cfg)
        optimizers = optimizer_settings(model, cfg.optim_wrapper)
    return dict(
        modules=module_settings(model),
        state_dict=digest({k: list(v.shape) for k, v in model.state_dict().items()}),
        optimizers=optimizers,
        param_scheduler=_plain(_to_plain_cfg(cfg.get('param_scheduler'))),
        train_cfg=_plain(_to_plain_cfg(cfg.get('train_cfg'))),
        model_wrapper_cfg=_plain(_to_plain_cfg(cfg.get('model_wrapper_cfg'))))


def _to_plain_cfg(value):
    from mmengine.config import ConfigDict
    if isinstance(value, ConfigDict):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_to_plain_cfg(v) for v in value]
    return value


def shipped_configs() -> list:
    import glob
    return sorted(osp.relpath(p, REPO) for p in glob.glob(f'{REPO}/configs/**/*.py',
                                                          recursive=True)
                  if '/_base_/' not in p and '/matrix/' not in p)


# SPECs whose methods are variants made by cfg_options: each method is fingerprinted too.
VARIANT_SPECS = ('configs/matrix/fashion_mnist_sokd_ablation.py', )


def spec_methods(spec: str) -> Dict[str, tuple]:
    """``{'<spec>::<method>': (config, cfg_options)}`` of a SPEC's first pair."""
    from mmengine.config import Config
    methods = Config.fromfile(osp.join(REPO, spec)).pairs[0]['methods']
    out = {}
    for name, entry in methods.items():
        entry = dict(config=entry) if isinstance(entry, str) else dict(entry)
        out[f'{spec}::{name}'] = (entry['config'], dict(entry.get('cfg_options', {})))
    return out


def all_fingerprints() -> Dict[str, dict]:
    out = {path: fingerprint(path) for path in shipped_configs()}
    for spec in VARIANT_SPECS:
        out.update({key: fingerprint(*entry) for key, entry in spec_methods(spec).items()})
    return out


def main(argv) -> None:
    golden = all_fingerprints()
    if '--write' in argv:  # one config per line: a change reads as a one-line diff
        with open(GOLDEN, 'w') as f:
            f.write('{\n' + ',\n'.join(f'{json.dumps(k)}: {json.dumps(v, sort_keys=True)}'
                                       for k, v in sorted(golden.items())) + '\n}\n')


if __name__ == '__main__':
    sys.path.insert(0, REPO)
    main(sys.argv[1:])
