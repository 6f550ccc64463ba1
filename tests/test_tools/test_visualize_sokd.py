"""tools/analysis_tools/visualize_sokd.py draws the areas and the policy of a SoKD checkpoint."""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmrazor.registry import MODELS

from tests.conftest import PYTHON, REPO, run_tool

CONFIG = f'{REPO}/configs/sokd/sokd_fitnet_r20_r8_digits.py'


def test_pictures_are_written(tmp_path):
    cfg = Config.fromfile(CONFIG).model
    cfg.pop('_scope_', None)
    cfg.update(allow_random_teacher=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg)
    with torch.no_grad():  # a policy that is visibly not the initial one
        model.distiller.augmenters['hint'].alpha[3] = 2.0
    ckpt = tmp_path / 'sokd.pth'
    torch.save({'state_dict': model.state_dict()}, ckpt)
    out = tmp_path / 'vis'
    proc = run_tool([PYTHON, f'{REPO}/tools/analysis_tools/visualize_sokd.py', CONFIG, str(ckpt),
                     '--out-dir', str(out), '--num-images', '3'])
    for name in ('sokd_areas_hint.png', 'sokd_policy_hint.png'):
        assert osp.getsize(out / name) > 10000, name
        assert name in proc.stdout


def test_non_sokd_config_is_refused(tmp_path):
    proc = run_tool([PYTHON, f'{REPO}/tools/analysis_tools/visualize_sokd.py',
                     f'{REPO}/configs/kd/kd_r20_r8_digits.py', str(tmp_path / 'x.pth')],
                    check=False)
    assert proc.returncode != 0 and 'not a SoKD config' in proc.stderr


def test_the_refined_column_names_each_op_with_its_value_and_the_change():
    from sokd_mm.apis.visualize_sokd import applied_op_label, sokd_views
    cfg = Config.fromfile(CONFIG).model
    cfg.pop('_scope_', None)
    cfg.update(allow_random_teacher=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg)
    augmenter = model.distiller.augmenters['hint']
    rotate = next(i for i, pair in enumerate(augmenter.sub_policies)
                  if augmenter.op_names(i)[0] == 'Rotate')
    with torch.no_grad():
        augmenter.magnitude[rotate, 0] = 0.5   # the middle of [-30, 30]: no rotation
        assert applied_op_label(augmenter, rotate, 0) == 'Rotate +0'
        augmenter.magnitude[rotate, 0] = 0.75
        assert applied_op_label(augmenter, rotate, 0) == 'Rotate +15'
    batch = dict(inputs=[torch.rand(3, 32, 32) * 255 for _ in range(2)], data_samples=None)
    from mmpretrain.structures import DataSample
    batch['data_samples'] = [DataSample().set_gt_label(1) for _ in range(2)]
    model.eval()
    view = sokd_views(model, batch)[0]
    expected = float((view['refined'] - view['teacher']).abs().mean()
                     / view['teacher'].abs().mean())
    assert view['change'] == (expected if view['ops'] else 0.0)
