"""Helpers that configs import to compose teachers and students from the base model configs.

mmengine forbids two ``_base_`` files defining the same key, so a distillation config cannot
inherit two ``model`` definitions (teacher and student). ``base_model`` reads one
``configs/_base_/models/<dataset>/<arch>.py`` and returns its ``model`` dict, ready to drop into
``architecture=`` or ``teacher=`` of a distillation config.
"""
import copy
import difflib
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.config.utils import MODULE2PACKAGE

from sokd_mm.errors import ConfigError

_PACKAGE = osp.dirname(osp.dirname(osp.abspath(__file__)))
# A checkout (or an editable install) reads the repository's configs/; an installed package
# reads the copy shipped inside it (setup.py: sokd_mm/.mim/configs, as OpenMMLab packages do).
CONFIG_ROOT = next((p for p in (osp.join(osp.dirname(_PACKAGE), 'configs'),
                                osp.join(_PACKAGE, '.mim', 'configs')) if osp.isdir(p)),
                   osp.join(osp.dirname(_PACKAGE), 'configs'))

# A config outside the checkout inherits a shipped one as OpenMMLab configs do,
# `_base_ = ['sokd_mm::kd/kd_r20_r8_digits.py']` (read from sokd_mm/.mim/configs), once
# sokd_mm is imported (tools/train.py and tools/test.py import it before reading the config).
# mmengine resolves `package::` only for the packages of its MODULE2PACKAGE table.
MODULE2PACKAGE.setdefault('sokd_mm', 'sokd_mm')


def available_base_models(dataset: str = 'cifar100') -> list:
    import glob
    return sorted(osp.splitext(osp.basename(p))[0]
                  for p in glob.glob(osp.join(CONFIG_ROOT, '_base_', 'models', dataset, '*.py')))


def base_model(name: str, num_classes: Optional[int] = None, dataset: str = 'cifar100',
               replace: bool = True) -> dict:
    """The classifier of ``configs/_base_/models/<dataset>/<name>.py``.

    Args:
        name: architecture name, e.g. ``'resnet56'`` (or a path to a config file).
        num_classes: override the head's class count (e.g. 10 for the digits dataset).
        replace: mark the dict ``_delete_=True`` so that it replaces, rather than merges into,
            the teacher/student of a parent config (a different architecture has other keys).
    """
    path = name if name.endswith('.py') else osp.join(CONFIG_ROOT, '_base_', 'models', dataset,
                                                      f'{name}.py')
    if not osp.isfile(path):
        names = available_base_models(dataset)
        close = difflib.get_close_matches(name, names, n=3)
        raise ConfigError(f'Unknown model {name!r} for {dataset}: no {path}. '
                         f'Did you mean {close}? Available: {names}')
    model = copy.deepcopy(Config.fromfile(path)['model'].to_dict())
    model['_scope_'] = 'mmpretrain'  # teacher/student sit inside an mmrazor-scoped algorithm
    if num_classes is not None:
        model['head']['num_classes'] = num_classes
    if replace:
        model['_delete_'] = True
    return model


def crd_train_dataset(dataset: dict, pipeline: list, neg_num: int = 16384) -> dict:
    """A CRD config's training set: ``dataset`` (type, data root, split) wrapped by
    ``CRDContrastDataset`` (RepDistiller's sampling: the anchor as its positive, ``neg_num``
    negatives from the other classes), with ``pipeline`` ending in a PackInputs that keeps the
    sample and contrast indices. Assign it as ``train_dataloader = dict(dataset=...)``."""
    pack = dict(type='mmpretrain.PackInputs', meta_keys=('sample_idx', 'contrast_sample_idxs'))
    return dict(_delete_=True, type='mmrazor.CRDContrastDataset',
                dataset=dict(dataset, pipeline=list(pipeline[:-1]) + [pack]),
                neg_num=neg_num, sample_mode='exact', percent=1.0)


def early_stopping(train_images: int, total_images: int) -> tuple:
    """``(train_dataloader, val_dataloader, train_cfg, default_hooks)`` overrides that turn a
    teacher config into an early-stopped one, to assign in a child config::

        _base_ = ['../vanilla/resnet20_fashion_mnist.py']
        from sokd_mm.utils import early_stopping
        train_dataloader, val_dataloader, train_cfg, default_hooks = early_stopping(55000, 60000)

    The first ``train_images`` images of the training split train; the rest (up to
    ``total_images``) are held out as the validation split, scored every epoch; the checkpoint
    with the best held-out top-1 is kept (``best_accuracy_top1_epoch_N.pth``) next to the last
    one. The test split stays the config's (``tools/test.py``), untouched by the choice."""
    if not 0 < train_images < total_images:
        raise ConfigError(f'early_stopping: need 0 < train_images < total_images, got '
                          f'{train_images} and {total_images}')
    return (dict(dataset=dict(indices=train_images)),
            # a range, not a list: the dumped config and the log show one line, not 5,000
            dict(dataset=dict(split='train', indices=range(train_images, total_images))),
            dict(val_interval=1),
            dict(checkpoint=dict(save_best='accuracy/top1', rule='greater')))
