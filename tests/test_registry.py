"""Every config component of the package is registered under its own name and builds by that
name; no registry holds anything that is not a component (an exception class, say)."""
import importlib
import inspect
import pkgutil

import pytest
import torch.nn as nn
from mmengine.dataset import BaseDataset
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.optim import BaseOptimWrapper, DefaultOptimWrapperConstructor
from mmengine.registry import Registry
from mmengine.runner import BaseLoop

import sokd_mm

COMPONENT_KINDS = (nn.Module, Hook, BaseMetric, BaseDataset, BaseLoop, BaseOptimWrapper,
                   DefaultOptimWrapperConstructor)

# Building blocks that only their parent constructs (never named in a config), with why.
NOT_CONFIG_COMPONENTS = {
    'InvertedResidual', 'BasicBlock', 'Bottleneck', 'ShuffleV1Block', 'ShuffleV2Block',
    'ShuffleV2DownBlock', 'WideBasicBlock', 'NetworkBlock',  # blocks of the CIFAR backbones
    'ABF',                # ReviewKD's fusion block, built by ReviewKDLoss
    'ControlVariate',     # the RELAX control variate, built by FeatureAugmenter
    'GlooSyncBatchNorm',  # swapped in for BN by the CPU DDP wrapper
}

# The fewest arguments each component needs (none: its defaults). Components that need a
# runner, a model or data files to exist are checked for registration only, named here.
MINIMAL_ARGS = {
    'CifarResNet': dict(depth=20), 'CifarVGG': dict(depth=8),
    'CifarWideResNet': dict(depth=16, widen_factor=2),
    'ConvRegConnector': dict(student_shape=[16, 8, 8], teacher_shape=[32, 8, 8]),
    'ThreeBlockConvRegConnector': dict(student_shape=[16, 8, 8],
                                       teacher_shape=[32, 8, 8]),
    'DistinctiveAreaModule': dict(in_channels=16, num_classes=10),
    'LiveDistinctiveAreaModule': dict(in_channels=16), 'WholeMapArea': dict(in_channels=16),
    'ReviewKDLoss': dict(in_channels=[16, 32], out_channels=[16, 32]),
    'SoTeacherLoss': dict(num_classes=10),
    'PackedCRDLoss': dict(neg_num=16, sample_n=32, dim_out=8),
    'WarmupDKDLoss': dict(),
}
NEEDS_CONTEXT = {
    'OfflineCIFAR100', 'OfflineFashionMNIST', 'TinyImageNet',  # data files (tests/test_datasets)
    'CRDContrastDataset',                   # wraps a built dataset
    'ResumableEpochBasedTrainLoop', 'DeviceResidentTrainLoop',  # a runner and a data loader
    'BF16OptimWrapper',                     # an optimizer over a model's parameters
    'SoKDOptimWrapperConstructor',          # a model with a SoKD distiller
    'CPUDistributedDataParallel', 'SoKDDDP',  # a process group
    'SoTeacherClassifier', 'SoKDDistill', 'StrictTeacherDistill',  # whole models (test_configs)
    'SoKDDistiller', 'ValidatedDistiller',  # recorders of a built model
}


def _our_classes():
    classes = {}
    for info in pkgutil.walk_packages(sokd_mm.__path__, 'sokd_mm.'):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and obj.__module__ == module.__name__ \
                    and issubclass(obj, COMPONENT_KINDS) and not name.startswith('_'):
                classes[name] = obj
    return classes


def _registered():
    """(registry, name, object) of every entry the package put into any registry."""
    found, seen = [], set()
    for lib in ('mmengine.registry', 'mmpretrain.registry', 'mmrazor.registry'):
        for registry in vars(importlib.import_module(lib)).values():
            if isinstance(registry, Registry) and id(registry) not in seen:
                seen.add(id(registry))
                found += [(registry, name, obj) for name, obj in registry.module_dict.items()
                          if getattr(obj, '__module__', '').startswith('sokd_mm')]
    return found


def test_no_registry_holds_an_exception_or_a_foreign_name():
    for registry, name, obj in _registered():
        assert not (inspect.isclass(obj) and issubclass(obj, BaseException)), \
            f'{name} (an exception) sits in the {registry.scope}::{registry.name} registry'
        assert name == obj.__name__, f'{obj.__name__} registered as {name}'


def test_every_component_is_registered():
    registered = {obj for _, _, obj in _registered()}
    missing = sorted(name for name, cls in _our_classes().items()
                     if name not in NOT_CONFIG_COMPONENTS and cls not in registered)
    assert not missing, f'not registered: {missing}'


@pytest.mark.parametrize('name', sorted(set(MINIMAL_ARGS) | {
    'CalibrationMetric', 'DeferredRuntimeInfoHook', 'Digits32', 'FiniteLossHook',
    'PreemptionHook', 'RNGStateHook',
    'SafeCheckpointHook', 'SoTeacherHook', 'FeatureAugmenter', 'LipschitzLoss',
    'CifarMobileNetV2', 'CifarResNetV2', 'CifarShuffleNetV1', 'CifarShuffleNetV2'}))
def test_component_builds_by_name(name):
    entries = [(registry, obj) for registry, n, obj in _registered() if n == name]
    assert entries, f'{name} is not registered'
    registry, cls = entries[0]
    built = registry.build(dict(type=name, **MINIMAL_ARGS.get(name, {})))
    assert type(built) is cls


def test_the_lists_above_cover_every_component():
    """A new component must be built here or say why it cannot be."""
    buildable = set(test_component_builds_by_name.pytestmark[0].args[1])
    components = (set(_our_classes()) | {name for _, name, obj in _registered()
                                         if inspect.isclass(obj)}) - NOT_CONFIG_COMPONENTS
    assert components - buildable - NEEDS_CONTEXT == set()
    assert (buildable | NEEDS_CONTEXT) - components == set()


def test_components_register_through_the_one_registry_module():
    """Every component file takes its registry from sokd_mm/registry.py, so neighbouring files
    cannot disagree about where a kind of component lives."""
    import ast
    import os.path as osp
    root = osp.dirname(sokd_mm.__file__)
    stray = []
    for info in pkgutil.walk_packages(sokd_mm.__path__, 'sokd_mm.'):
        if info.name == 'sokd_mm.registry' or info.ispkg:
            continue
        path = osp.join(root, *info.name.split('.')[1:]) + '.py'
        for node in ast.parse(open(path).read()).body:  # module-level imports only
            if isinstance(node, ast.ImportFrom) and node.module in (
                    'mmengine.registry', 'mmpretrain.registry', 'mmrazor.registry'):
                stray += [f'{info.name}: {node.module}.{a.name}' for a in node.names
                          if isinstance(getattr(importlib.import_module(node.module), a.name),
                                        Registry)]
    assert not stray, f'register through sokd_mm.registry instead: {stray}'
    from sokd_mm import registry
    assert registry.CLS_MODELS.scope == 'mmpretrain' and registry.DISTILL_MODELS.scope == 'mmrazor'
    assert registry.SHARED_MODELS.parent is None  # the root both scopes fall back to
