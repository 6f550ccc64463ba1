"""Catch config mistakes before training starts, with messages that say how to fix them."""
import difflib
import inspect
import math
import re
from typing import Dict, Iterable, List, Optional

from mmengine.config import Config

from sokd_mm.errors import ConfigError


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


def load_config(path: str, options: Optional[Dict] = None) -> Config:
    """A config file with its ``--cfg-options`` merged, or one ``Error:`` line when the file
    does not exist, is not valid Python, defines no ``model``, or a ``--cfg-options`` key
    matches nothing (a typo); then every value checked (:func:`check_values`) and every key of
    the model config (:func:`~sokd_mm.apis.model_arguments.check_model_arguments`), so that a
    mistake is refused before the runner logs the environment and builds anything."""
    import os.path as osp
    if not osp.isfile(path):
        raise SystemExit(f'Error: config file {path} not found.{_close_config_paths(path)}')
    try:
        cfg = Config.fromfile(path)
    except SyntaxError as error:
        raise SystemExit(f'Error: the config {error.filename or path} is not valid Python: '
                         f'{error.msg} (line {error.lineno}).') from None
    except Exception as error:  # noqa: BLE001  (a missing _base_, a failing import ...)
        raise SystemExit(f'Error: the config {path} could not be read: '
                         f'{type(error).__name__}: {error}') from None
    if 'model' not in cfg:
        raise SystemExit(f'Error: the config {path} defines no `model`: a config sets '
                         "model=dict(...) or inherits one (_base_ = ['../vanilla/...py']).")
    for key in list(cfg.keys()):  # a Config is no dict: its top-level values
        _drop_package_scope(cfg[key])
    if options:
        check_cfg_options(cfg, options)
        cfg.merge_from_dict(options)
    check_values(cfg)
    from .model_arguments import check_model_arguments
    check_model_arguments(cfg)
    return cfg


def _drop_package_scope(node) -> None:
    """mmengine marks every dict a config inherits through ``sokd_mm::`` with
    ``_scope_='sokd_mm'``, a scope no registry has (the build then fails with 'not in the
    mmengine registry'); the shipped configs choose their registries by ``default_scope`` and
    ``type`` prefixes, which the child inherits, so the mark is dropped."""
    if isinstance(node, dict):
        if node.get('_scope_') == 'sokd_mm':
            del node['_scope_']
        for value in node.values():
            _drop_package_scope(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _drop_package_scope(value)


def _close_config_paths(path: str) -> str:
    """' Did you mean ...?' naming shipped configs with a similar name, or ''."""
    import glob
    import os.path as osp

    from sokd_mm.utils.config_helpers import CONFIG_ROOT as root
    names = {osp.relpath(p, root): p for p in glob.glob(osp.join(root, '**', '*.py'),
                                                         recursive=True)}
    wanted = path.split('configs/', 1)[-1]
    close = difflib.get_close_matches(wanted, list(names), n=2, cutoff=0.75)
    return f" Did you mean {' or '.join('configs/' + c for c in close)}?" if close else ''


def check_cfg_options(cfg: Config, options: Optional[Dict]) -> None:
    """Refuse ``--cfg-options`` keys that match nothing in ``cfg`` and that nothing built from
    it takes (a typo would otherwise train with the default, silently), naming the nearest
    existing key. A key a config does not have is added in a child config instead."""
    if not options:
        return
    tree = cfg.to_dict()
    existing = _flatten_keys(tree)
    existing_set = set(existing)
    unknown = []  # each with the nearest existing key, or what its component takes
    for key in options:
        if key in existing_set or _is_constructor_argument(tree, key):
            continue
        parent, _, leaf = key.rpartition('.')
        node = _node_at(tree, parent.split('.')) if parent else tree
        if isinstance(node, dict):  # the parent exists: a misspelt last part
            close = [f'{parent}.{c}' if parent else c for c in difflib.get_close_matches(
                leaf, [str(k) for k in node], n=1, cutoff=0.6)]
        else:  # a misspelt parent: the nearest whole key
            close = difflib.get_close_matches(key, existing, n=1, cutoff=0.6)
        names = _arguments_of(node['type']) if isinstance(node, dict) and isinstance(
            node.get('type'), str) else []
        if not close and closest_argument(leaf, names):  # an argument the component takes
            close = [f'{parent}.{closest_argument(leaf, names)}']
        # the arguments of the component it lands in, when no existing key is close
        takes = f" ({node['type']} takes: {', '.join(names)})" if names and not close else ''
        unknown.append(f'{key!r}' + (f' (did you mean {close[0]!r}?)' if close else '') + takes)
    if unknown:
        one = len(unknown) == 1
        raise ConfigError(f"--cfg-options: {', '.join(unknown)} match{'es' if one else ''} "
                          f"nothing in the config and no component takes {'it' if one else 'them'}"
                          '; nothing was trained. To add a key the config does not have, write a '
                          'child config.')


def _registries() -> Iterable:
    """Every registry of mmpretrain, mmrazor and mmengine (the libraries configs draw on)."""
    import mmengine.registry as root
    for mod in ('mmpretrain.registry', 'mmrazor.registry', 'mmengine.registry'):
        try:
            module = __import__(mod, fromlist=['x'])
        except ImportError:
            continue
        yield from (obj for obj in vars(module).values() if isinstance(obj, root.Registry))


def _registered_class(type_name: str):
    """The class registered as ``type_name`` (scope prefix allowed) in any of the libraries'
    registries, or None."""
    short = type_name.split('.')[-1]
    return next((r.module_dict[short] for r in _registries() if short in r.module_dict), None)


def _node_at(tree: Dict, path: List[str]):
    node = tree
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _implicit_builders(path: List[str]) -> List:
    """What builds a config dict that has no ``type`` of its own, from where it sits."""
    from mmengine.optim import OptimWrapper
    from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop, LogProcessor, Runner
    from mmengine.runner import TestLoop, ValLoop, set_random_seed
    from torch.utils.data import DataLoader
    if not path:
        return [Runner]
    if len(path) != 1:
        return []
    return dict(randomness=[set_random_seed], optim_wrapper=[OptimWrapper],
                train_cfg=[EpochBasedTrainLoop, IterBasedTrainLoop], val_cfg=[ValLoop],
                test_cfg=[TestLoop], log_processor=[LogProcessor],
                train_dataloader=[DataLoader], val_dataloader=[DataLoader],
                test_dataloader=[DataLoader]).get(path[0], [])


def _is_constructor_argument(tree: Dict, key: str) -> bool:
    """Whether ``key`` sets an argument of a component the config builds (e.g.
    ``train_dataloader.dataset.indices``, which mmengine's BaseDataset takes, or
    ``randomness.deterministic``), or a key inside such an argument's dict (e.g.
    ``train_cfg.compile_teacher.backend``), so setting it is not a typo even though the config
    does not spell it out."""
    parts = key.split('.')
    node, path = tree, []
    for part in parts:
        if not isinstance(node, dict):
            return False
        if part not in node:  # the first part the config lacks: an argument of ``node``?
            return any(part in _parameters(builder) for builder in _builders(node, path)) \
                or part in _constructor_keys(node)
        node, path = node[part], path + [part]
    return False


def _constructor_keys(node: Dict) -> tuple:
    """The keys an optimizer wrapper constructor (``constructor='...'``) reads from the dict
    beyond the wrapper's own, e.g. SoKD's ``policy``: its ``config_keys``."""
    if not isinstance(node.get('constructor'), str):
        return ()
    from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS
    try:
        cls = OPTIM_WRAPPER_CONSTRUCTORS.get(node['constructor'])
    except Exception:  # noqa: BLE001  (an unknown scope prefix: reported by the build)
        return ()
    return tuple(getattr(cls, 'config_keys', ()))


def _builders(node: Dict, path: List[str]) -> List:
    """What builds ``node``: its registered ``type`` (and its bases), or what builds a dict
    without one from where it sits."""
    if isinstance(node.get('type'), str):
        cls = _registered_class(node['type'])
        builders = [] if cls is None else [
            init for klass in inspect.getmro(cls) for init in [vars(klass).get('__init__')]
            if init is not None]
        if path == ['train_cfg']:  # --fast trains with the device-resident loop instead
            from sokd_mm.engine.runner import DeviceResidentTrainLoop
            builders.append(DeviceResidentTrainLoop.__init__)
        return builders
    return _implicit_builders(path)


def _parameters(builder) -> List[str]:
    try:
        return list(inspect.signature(builder).parameters)
    except (TypeError, ValueError):
        return []


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _value_checks(cfg: Config) -> Iterable[tuple]:
    """``(key, value, ok, expected, example)`` of every setting checked before a run."""
    positive = 'a whole number >= 1'
    for key in ('max_epochs', 'max_iters', 'val_interval'):
        if key in (cfg.get('train_cfg') or {}):
            value = cfg.train_cfg[key]
            yield f'train_cfg.{key}', value, _is_int(value) and value >= 1, positive, 10
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        node = cfg.get(loader) or {}
        if 'batch_size' in node:
            value = node['batch_size']
            yield f'{loader}.batch_size', value, _is_int(value) and value >= 1, positive, 64
        if 'num_workers' in node:
            value = node['num_workers']
            yield (f'{loader}.num_workers', value, _is_int(value) and value >= 0,
                   'a whole number >= 0', 2)
        dataset, where = node.get('dataset') or {}, f'{loader}.dataset'
        while isinstance(dataset, dict):
            if 'indices' in dataset:
                value = dataset['indices']
                ok = value is None or (_is_int(value) and value >= 1) or (
                    isinstance(value, (list, tuple, range)) and all(
                        _is_int(i) and i >= 0 for i in value))
                yield (f'{where}.indices', value, ok, 'N >= 1 (the first N images) or a list of '
                       'image indices >= 0', 5000)
            dataset, where = dataset.get('dataset'), f'{where}.dataset'
    seed = (cfg.get('randomness') or {}).get('seed')
    if seed is not None:
        yield 'randomness.seed', seed, _is_int(seed) and seed >= 0, 'a whole number >= 0', 0
    for key, optimizer in _optimizers(cfg.get('optim_wrapper') or {}, 'optim_wrapper'):
        for name, expected in (('lr', 'a number > 0'), ('momentum', 'a number in [0, 1]'),
                               ('weight_decay', 'a number >= 0')):
            if name in optimizer:
                value = optimizer[name]
                ok = _is_number(value) and (value > 0 if name == 'lr' else value >= 0) \
                    and (name != 'momentum' or value <= 1)
                yield f'{key}.{name}', value, ok, expected, dict(
                    lr=0.05, momentum=0.9, weight_decay=5e-4)[name]


def _optimizers(node, path: str) -> Iterable[tuple]:
    """``(key, dict)`` of every ``optimizer=dict(...)`` under an ``optim_wrapper``."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == 'optimizer' and isinstance(v, dict):
                yield f'{path}.{k}', v
            else:
                yield from _optimizers(v, f'{path}.{k}')


def check_values(cfg: Config) -> None:
    """Refuse, before anything is built, a setting of the wrong type or range (epochs, batch
    size, workers, image indices, seed, lr, momentum, weight decay), naming the key, the value
    and what is expected; the libraries would fail later with a traceback that names neither
    (or, for a negative ``indices``, train on the last images)."""
    for key, value, ok, expected, example in _value_checks(cfg):
        if not ok:
            raise ConfigError(f'{key} = {value!r}: expected {expected}, e.g. --cfg-options '
                              f'{key}={example}.')


def check_loss_weights(cfg: Config) -> None:
    """Every ``*loss_weight`` under ``model`` must be a finite number >= 0: a string or a
    negative weight would otherwise fail (or train backwards) deep in the first iteration."""
    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                here = f'{path}.{k}'
                if isinstance(k, str) and k.endswith('loss_weight') \
                        and not isinstance(v, (dict, list, tuple)) and v is not None:
                    if isinstance(v, bool) or not isinstance(v, (int, float)) \
                            or not math.isfinite(v) or v < 0:
                        raise ConfigError(f'{here} = {v!r}: a loss weight must be a finite '
                                          'number >= 0, e.g. --cfg-options '
                                          f'{here}=0.9')
                walk(v, here)
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f'{path}.{i}')
    walk(cfg.get('model', {}), 'model')


_UNEXPECTED_ARG = re.compile(r"(\S+)\.__init__\(\) got an unexpected keyword argument '(\S+)'")


def _typed_dicts_with_key(node, key: str, prefix: str = '') -> List[tuple]:
    """``(path, type)`` of every dict in a config that builds a ``type`` and sets ``key``."""
    found = []
    if isinstance(node, dict):
        if key in node and isinstance(node.get('type'), str):
            found.append((prefix[:-1] or 'the config', node['type'].split('.')[-1]))
        for k, v in node.items():
            found += _typed_dicts_with_key(v, key, f'{prefix}{k}.')
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            found += _typed_dicts_with_key(v, key, f'{prefix}{i}.')
    return found


def explain_build_error(error: Exception, cfg: Optional[Config] = None) -> Optional[str]:
    """A one-line message for the errors mmengine raises while building a component from a
    mistaken config (unknown type, unknown argument, unknown optimizer); ``None`` for any
    other error, which is then not a user mistake and keeps its traceback."""
    if isinstance(error, KeyError):
        return explain_registry_error(error)
    text = str(error)
    if isinstance(error, TypeError):
        match = _UNEXPECTED_ARG.search(text)
        if match:
            owner, arg = match.groups()
            # Name the user's type and key, not the base class whose __init__ refused it.
            where = _typed_dicts_with_key(cfg.to_dict(), arg) if cfg is not None else []
            if len(where) == 1:
                path, kind = where[0]
                return (f'{path} ({kind}) takes no argument {arg!r}: {path}.{arg} in the '
                        'config (or a --cfg-options key) is misspelt or misplaced.'
                        f'{_close_arguments(kind, arg)}')
            return (f'{owner} takes no argument {arg!r}: the config (or a --cfg-options key) '
                    f'has a misspelt or misplaced key there.{_close_arguments(owner, arg)}')
        if 'is not a callable object' in text:
            return ('a `type=` in the config names nothing registered (e.g. an optimizer '
                    "type): use a registered name such as type='SGD'.")
    return None


def _arguments_of(type_name: str) -> List[str]:
    """The constructor arguments of the class registered as ``type_name`` (its bases' too)."""
    cls = _registered_class(type_name)
    names = []
    for klass in inspect.getmro(cls) if cls is not None else []:
        init = vars(klass).get('__init__')
        try:
            names += [p for p in inspect.signature(init).parameters
                      if p not in ('self', 'args', 'kwargs') and p not in names] if init else []
        except (TypeError, ValueError):
            continue
    return names


# Names other distillation code gives an argument that has another name here (KD's
# temperature is mmrazor's tau): suggested when no spelling is close.
ARGUMENT_SYNONYMS = {'temperature': ('tau', 'T'), 'temp': ('tau', 'T'), 'T': ('tau', ),
                     'weight': ('loss_weight', ), 'alpha': ('loss_weight', )}


def closest_argument(arg: str, names: List[str]) -> Optional[str]:
    """The argument among ``names`` a mistaken ``arg`` most likely meant, or None."""
    close = difflib.get_close_matches(arg, names, n=1, cutoff=0.5)
    if close:
        return close[0]
    known = difflib.get_close_matches(arg, list(ARGUMENT_SYNONYMS), n=1, cutoff=0.8)
    return next((name for name in ARGUMENT_SYNONYMS.get(known[0], ()) if name in names),
                None) if known else None


def _close_arguments(type_name: str, arg: str) -> str:
    """' Did you mean ...? TYPE takes: ...' for a misspelt constructor argument, or ''."""
    names = _arguments_of(type_name)
    close = closest_argument(arg, names)
    hint = f' Did you mean {close!r}?' if close else ''
    return f'{hint} {type_name} takes: {", ".join(names)}.' if names else hint


_NOT_IN_REGISTRY = re.compile(r"'?(\S+?)'? is not in the (\S+?)::(\S+) registry")


def _registry_names(scope: str, registry: str) -> Iterable[str]:
    return {name for r in _registries() if r.name == registry for name in r.module_dict}


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


def teacher_from_checkpoint(cfg: Config, checkpoint: Optional[str]) -> bool:
    """For a distillation config evaluated or resumed from ``checkpoint``: when that checkpoint
    holds the teacher's weights and ``model.teacher_ckpt`` is unset or gone, build the teacher
    without it (its weights come from ``checkpoint``). Returns whether it did."""
    import os.path as osp

    from sokd_mm.models.algorithms import holds_teacher_weights
    model = cfg.get('model', {})
    if not checkpoint or 'teacher_ckpt' not in model:
        return False
    given = model.get('teacher_ckpt')
    if given and osp.isfile(given):
        return False
    if not holds_teacher_weights(checkpoint):
        return False
    model['teacher_ckpt'] = None
    model['teacher_from_checkpoint'] = True
    return True


CRD_LOSSES = ('PackedCRDLoss', 'mmrazor.PackedCRDLoss')


def fit_crd_memory(cfg: Config) -> Optional[int]:
    """Size every CRD loss's memory bank (``sample_n``: one row per training image) from the
    training set the run really uses, a ``dataset.indices`` subset included; return that size
    (``None`` when the config has no CRD loss). The configs' value is only a placeholder:
    a bank smaller than the data would index out of range, a larger one wastes memory."""
    losses = cfg.get('model', {}).get('distiller', {}).get('distill_losses', {}) or {}
    crd = [name for name, loss in losses.items()
           if isinstance(loss, dict) and loss.get('type') in CRD_LOSSES]
    if not crd:
        return None
    from mmengine.logging import print_log
    from mmengine.registry import DATASETS, DefaultScope
    dataset_cfg = cfg.train_dataloader.dataset
    if 'CRD' in str(dataset_cfg.get('type', '')) and 'dataset' in dataset_cfg:
        # The wrapped set (its length, without the contrast lists), with the wrapper's subset.
        wrapper, dataset_cfg = dataset_cfg, dict(dataset_cfg.dataset)
        if wrapper.get('indices') is not None:
            dataset_cfg['indices'] = wrapper.indices
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmrazor')):
        size = len(DATASETS.build(dict(dataset_cfg)))
    for name in crd:
        if losses[name].get('sample_n') != size:
            print_log(f'{name}: memory bank sized to the {size} training images '
                      f'(sample_n {losses[name].get("sample_n")} -> {size})', logger='current')
        losses[name]['sample_n'] = size
    return size


def check_checkpoint_fits(model, checkpoint: str) -> None:
    """Refuse, with one message, a checkpoint whose weights are not the config's model: keys
    missing or unexpected, or shapes that differ. mmengine only warns and then scores the
    model's random initialisation (e.g. a distillation checkpoint tested with its student's
    plain config reports chance accuracy and exits 0)."""
    from sokd_mm.utils.checkpoint_io import load_weights
    model = getattr(model, 'module', model)
    expected = model.state_dict()
    found = load_weights(checkpoint)['state_dict']
    missing = [k for k in expected if k not in found]
    unexpected = [k for k in found if k not in expected]
    shapes = [f'{k} {tuple(found[k].shape)} vs {tuple(v.shape)}' for k, v in expected.items()
              if k in found and hasattr(v, 'shape') and tuple(found[k].shape) != tuple(v.shape)]
    if not (missing or unexpected or shapes):
        return
    parts = []
    for what, keys in (('missing', missing), ('unexpected', unexpected),
                       ('with another shape (checkpoint vs config)', shapes)):
        if keys:
            parts.append(f'{len(keys)} {what} (e.g. {keys[0]})')
    hint = 'Test it with the config it was trained with.'
    distilled = any(k.startswith('architecture.') for k in found)
    if distilled and not any(k.startswith('architecture.') for k in expected):
        hint = ('It is a distillation checkpoint: test it with its distillation config, or '
                f'export one network first: python tools/export_weights.py {checkpoint} '
                'student.pth --part student (or --part teacher).')
    elif not distilled and any(k.startswith('architecture.') for k in expected):
        hint = ('It holds a single network and the config is a distillation: test it with that '
                "network's own config (configs/vanilla/...).")
    raise ConfigError(f'checkpoint {checkpoint} does not fit the config\'s model: '
                      + '; '.join(parts) + f'. {hint}')


def dataset_class_count(dataset: Dict) -> Optional[int]:
    """How many classes a dataset config's data has (wrappers such as CRD's looked through):
    its ``metainfo.classes``, else its class's ``METAINFO``; None when only the data can say
    (e.g. a folder of class subfolders)."""
    while isinstance(dataset, dict) and isinstance(dataset.get('dataset'), dict):
        dataset = dataset['dataset']
    if not isinstance(dataset, dict):
        return None
    classes = (dataset.get('metainfo') or {}).get('classes')
    if classes is None and isinstance(dataset.get('type'), str):
        cls = _registered_class(dataset['type'])
        classes = (getattr(cls, 'METAINFO', None) or {}).get('classes')
    return len(classes) if classes else None


def _num_classes_settings(node, prefix: str) -> List[tuple]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'num_classes' and isinstance(value, int):
                found.append((f'{prefix}{key}', value))
            else:
                found += _num_classes_settings(value, f'{prefix}{key}.')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            found += _num_classes_settings(value, f'{prefix}{i}.')
    return found


def check_num_classes(cfg: Config) -> None:
    """Every ``num_classes`` of the model (classifier heads, teacher and student, SoTeacher's
    ensemble, SoKD's DAM) against the training data's classes, before anything is built: a
    100-way head on a 10-class dataset otherwise trains silently, and a 10-way student against
    a 100-way teacher fails deep inside a loss."""
    model = cfg.get('model')
    loader = cfg.get('train_dataloader') or {}
    if not isinstance(model, dict):
        return
    settings = _num_classes_settings(model.to_dict() if hasattr(model, 'to_dict') else model,
                                     'model.')
    classes = dataset_class_count(loader.get('dataset'))
    if classes is not None:
        wrong = [(k, v) for k, v in settings if v != classes]
        if wrong:
            listed = ', '.join(f'{k}={v}' for k, v in wrong)
            raise ConfigError(
                f'The training data has {classes} classes but {listed}. Set '
                f'{" ".join(f"{k}={classes}" for k, _ in wrong)} (in a child config, e.g. '
                f"base_model('resnet8', num_classes={classes}), or with --cfg-options).")
    elif len({v for _, v in settings}) > 1:
        listed = ', '.join(f'{k}={v}' for k, v in settings)
        raise ConfigError(f'The model disagrees on the number of classes: {listed}. Give '
                          'every head the class count of the data.')


FOLDER_DATASETS = ('ImageNet', 'CustomDataset')  # image folders read by mmpretrain's classes


def check_data_folders(cfg: Config,
                       loaders: Iterable[str] = ('train_dataloader', 'val_dataloader',
                                                 'test_dataloader')) -> None:
    """An ImageNet-style dataset whose image folder is missing: one error naming the folder
    and how to fix it (mmpretrain fails later with a long FileNotFoundError traceback)."""
    import os.path as osp

    from sokd_mm.datasets import DatasetError
    for name in loaders:
        dataset = (cfg.get(name) or {}).get('dataset')
        while isinstance(dataset, dict) and isinstance(dataset.get('dataset'), dict):
            dataset = dataset['dataset']
        if not isinstance(dataset, dict) or \
                str(dataset.get('type', '')).split('.')[-1] not in FOLDER_DATASETS:
            continue
        prefix = dataset.get('data_prefix') or dataset.get('split') or ''
        if isinstance(prefix, dict):
            prefix = prefix.get('img_path', '')
        folder = osp.join(dataset.get('data_root', ''), prefix)
        if not osp.isdir(folder):
            raise DatasetError(
                f'{name}: the image folder {folder} does not exist. ImageNet needs '
                '<data_root>/train/<class>/*.JPEG and <data_root>/val (see docs/get_started.md, '
                f'"Data"), or point the config at your copy: --cfg-options '
                f'{name}.dataset.data_root=/path/to/imagenet.')
