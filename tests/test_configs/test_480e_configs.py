"""The SoKD authors' 480-epoch recipe: a `_480e` child beside every SoKD CIFAR config and beside
each of their baselines, differing from its parent only in epochs, lr and the search length."""
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config

from tests.conftest import REPO

# The authors' SoKD configs (SoKD+ is ours: the authors' recipe does not apply to it).
SOKD = sorted(p for p in glob.glob(f'{REPO}/configs/sokd/sokd_*_cifar100.py')
              if not osp.basename(p).startswith('sokd_plus_'))


def _parent_baseline(path):
    return osp.normpath(osp.join(osp.dirname(path), re.search(
        r"_base_ = \['([^']+)'\]", open(path).read()).group(1)))


BASELINES = sorted({_parent_baseline(p) for p in SOKD})
PAIRS = [(p, p[:-3] + '_480e.py') for p in SOKD + BASELINES]


def test_every_sokd_cifar_config_and_baseline_has_a_480e_child():
    assert len(SOKD) >= 22 and len(BASELINES) >= 22
    missing = [osp.relpath(child, REPO) for _, child in PAIRS if not osp.isfile(child)]
    assert not missing, missing


def _lr(cfg, sokd):
    return cfg.optim_wrapper.optimizer.lr


@pytest.mark.parametrize('parent,child', PAIRS, ids=lambda p: osp.basename(p))
def test_480e_child_changes_only_epochs_lr_and_search(parent, child):
    p, c = Config.fromfile(parent), Config.fromfile(child)
    sokd = '/sokd/' in parent
    assert p.train_cfg.max_epochs == 240 and c.train_cfg.max_epochs == 480
    assert c.param_scheduler.milestones == p.param_scheduler.milestones == [150, 180, 210]
    assert _lr(c, sokd) == pytest.approx(_lr(p, sokd) / 2)  # 0.05 -> 0.025 (0.01 -> 0.005)
    parent_model, child_model = p.model.to_dict(), c.model.to_dict()
    if sokd:
        assert child_model.pop('search_epochs') == 20
        parent_model.pop('search_epochs')
    assert child_model == parent_model


@pytest.mark.parametrize('path', ['sokd/sokd_fitnet_r56_r20_cifar100_480e.py',
                                  'kd/kd_r56_r20_cifar100_480e.py'])
def test_480e_configs_build(path):
    from sokd_mm.apis import load_config
    from mmengine.registry import DefaultScope
    from mmrazor.registry import MODELS
    cfg = load_config(f'{REPO}/configs/{path}', {'model.teacher_ckpt': None,
                                                 'model.allow_random_teacher': True})
    cfg.model.pop('_scope_', None)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg.model)
    assert getattr(model, 'search_epochs', 20) == 20
