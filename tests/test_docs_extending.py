"""docs/en/advanced_guides/extending.md works as written: its loss module and child config
train a new method's loss, its SoKD op runs in the augmenter's op table, and its dataset
module reads a file and keeps sample_idx."""
import os
import os.path as osp
import re
import sys
import textwrap

import numpy as np
import pytest
import torch

from tests.conftest import REPO

GUIDE = open(osp.join(REPO, 'docs', 'en', 'advanced_guides', 'extending.md')).read()


def _block(first_line: str) -> str:
    """The ```python block of the guide that starts with ``first_line`` (a block in a list
    item dedented)."""
    blocks = [textwrap.dedent(b) for b in re.findall(r'```python\n(.*?)```', GUIDE, re.S)]
    return next(b for b in blocks if b.startswith(first_line))


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    """A user's folder: the shipped configs linked in, the folder importable."""
    os.makedirs(tmp_path / 'configs')
    for name in os.listdir(osp.join(REPO, 'configs')):
        os.symlink(osp.join(REPO, 'configs', name), tmp_path / 'configs' / name)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for module in ('my_losses', 'my_datasets'):
        sys.modules.pop(module, None)


def test_a_new_method_is_a_loss_module_and_a_child_config(user_dir):
    from mmengine.registry import DefaultScope
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS

    from sokd_mm.apis import load_config
    from sokd_mm.errors import ConfigError
    (user_dir / 'my_losses.py').write_text(_block('# my_losses.py'))
    os.makedirs(user_dir / 'configs' / 'logit_mse')
    config = user_dir / 'configs' / 'logit_mse' / 'logit_mse_r20_r8_digits.py'
    config.write_text(_block('# ./configs/logit_mse/'))
    cfg = load_config(str(config), {'model.allow_random_teacher': True})
    assert list(cfg.model.distiller.distill_losses) == ['loss_mse']
    model_cfg = cfg.model.copy()
    model_cfg.pop('_scope_', None)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg)
    samples = [DataSample().set_gt_label(i % 10) for i in range(4)]
    inputs = torch.randn(4, 3, 32, 32)
    losses = model.loss(inputs, samples)
    with torch.no_grad():
        expected = torch.nn.functional.mse_loss(model.student(inputs, mode='tensor'),
                                                model.teacher(inputs, mode='tensor'))
    assert torch.allclose(losses['distill.loss_mse'], expected, rtol=1e-5)
    typo = config.parent / 'typo.py'  # a misspelt argument: refused naming what it takes
    typo.write_text("_base_ = ['./logit_mse_r20_r8_digits.py']\nmodel = dict(distiller=dict("
                    "distill_losses=dict(loss_mse=dict(loss_weigth=2.0))))\n")
    with pytest.raises(ConfigError, match=r"\(LogitMSELoss\) takes no argument 'loss_weigth'.*"
                       r"Did you mean 'loss_weight'\? LogitMSELoss takes: loss_weight\."):
        load_config(str(typo))


def test_a_new_sokd_op_is_one_entry_in_the_op_table(monkeypatch):
    from sokd_mm.models.distillers.sokd import feature_ops
    from sokd_mm.models.distillers.sokd.feature_ops import FeatureOp, apply_op
    code = _block('# a mask op')
    namespace = dict(torch=torch, FeatureOp=FeatureOp)
    exec(code, namespace)  # noqa: S102  (the guide's own snippet)
    entry = re.search(r"#\s+'TopRows': (FeatureOp\(.*\)),", code)[1]
    monkeypatch.setitem(feature_ops.OPS['ours'], 'TopRows', eval(entry, namespace))
    x = torch.ones(2, 3, 8, 8)
    out = apply_op('TopRows', x, 1.0, torch.Generator(), 'ours')   # v = 0.25: 2 of 8 rows
    assert torch.equal(out[:, :, :2], torch.zeros(2, 3, 2, 8))
    assert torch.equal(out[:, :, 2:], x[:, :, 2:])
    assert apply_op('TopRows', x, 0.0, torch.Generator(), 'ours') is x   # its identity


def test_a_new_dataset_reads_its_file_and_keeps_sample_idx(user_dir):
    from mmpretrain.registry import DATASETS
    (user_dir / 'my_datasets.py').write_text(_block('# my_datasets.py'))
    __import__('my_datasets')
    images = np.random.RandomState(0).randint(0, 255, (12, 32, 32, 3), dtype=np.uint8)
    np.savez(user_dir / 'train.npz', images=images, labels=np.arange(12) % 10)
    data = DATASETS.build(dict(type='NpzImages', ann_file=str(user_dir / 'train.npz'),
                               pipeline=[dict(type='mmpretrain.PackInputs')], indices=5))
    assert len(data) == 5
    sample = data[3]
    assert sample['data_samples'].gt_label.item() == 3
    assert sample['data_samples'].sample_idx == 3
    assert torch.equal(sample['inputs'], torch.from_numpy(images[3]).permute(2, 0, 1))
