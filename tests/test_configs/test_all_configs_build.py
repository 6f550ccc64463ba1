"""Every shipped config parses; every model config builds and computes finite losses on a
small batch (hint names, connector shapes and DAM sizes all fit)."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.conftest import REPO

ALL = sorted(p for p in glob.glob(f'{REPO}/configs/**/*.py', recursive=True)
             if '_base_' not in p and '/matrix/' not in p)  # matrix SPECs are not configs
# The _480e children share their parents' models (tests/test_configs/test_480e_configs.py).
DISTILL = [p for p in ALL if osp.basename(osp.dirname(p)) not in ('vanilla', 'soteacher')
           and not p.endswith('_480e.py')]


def test_there_are_configs():
    assert len(DISTILL) >= 40 and len(ALL) >= 70


@pytest.mark.parametrize('path', ALL, ids=lambda p: osp.relpath(p, f'{REPO}/configs'))
def test_config_parses(path):
    cfg = Config.fromfile(path)
    assert 'model' in cfg and 'train_dataloader' in cfg


@pytest.mark.parametrize('path', DISTILL, ids=lambda p: osp.relpath(p, f'{REPO}/configs'))
def test_distillation_model_builds_and_computes_losses(path):
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS
    cfg = Config.fromfile(path)
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True)
    size = 224 if 'imagenet' in path else 32
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg)
    num_classes = model.student.head.num_classes
    x = torch.randn(2, 3, size, size)
    samples = [DataSample(metainfo=dict(sample_idx=i)).set_gt_label(i % num_classes)
               for i in range(2)]
    if hasattr(model.distiller, 'draw_policies'):
        model.distiller.draw_policies()
    model.train()
    losses = model.loss(x, samples)
    assert any(k.startswith('distill.') for k in losses), losses.keys()
    assert all(torch.isfinite(v).all() for v in losses.values())


def test_matrix_spec_plans_existing_configs():
    from sokd_mm.apis.matrix import load_spec, plan
    cells = plan(load_spec(f'{REPO}/configs/matrix/cifar100_table.py'))
    # 6 teachers x 2 kinds + 7 pairs x (student x 3 seeds + 5 methods x 2 kinds x 3 seeds)
    # + ResNet56 -> ResNet20 extras (AT, CRD, ReviewKD) x 2 kinds x 3 seeds
    assert len(cells) == 6 * 2 + 7 * (3 + 5 * 6) + 3 * 6 == 261
    for cell in cells:
        assert osp.isfile(osp.join(REPO, cell.config)), cell.config
