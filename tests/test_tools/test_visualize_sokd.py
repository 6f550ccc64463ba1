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
