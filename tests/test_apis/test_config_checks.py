"""Config mistakes caught before training: --cfg-options typos, unknown registry types."""
import pytest
from mmengine.config import Config

from sokd_mm.apis import check_cfg_options, explain_registry_error
from tests.conftest import REPO


def test_typo_in_cfg_options_names_the_nearest_key():
    cfg = Config.fromfile(f'{REPO}/configs/kd/kd_r56_r20_cifar100.py')
    with pytest.warns(UserWarning, match="'model.teacher_ckpt'"):
        msgs = check_cfg_options(cfg, {'model.teacher_ckp': 'x.pth',
                                       'train_cfg.max_epochs': 3})
    assert len(msgs) == 1  # the existing key is not reported


def test_unknown_type_suggests_registered_names():
    err = KeyError('CifarResNett is not in the mmpretrain::model registry. Please check '
                   'whether the value of `CifarResNett` is correct or it was registered as '
                   'expected.')
    msg = explain_registry_error(err)
    assert 'CifarResNet' in msg and 'Did you mean' in msg
    assert explain_registry_error(KeyError('something else')) is None


def test_train_tool_reports_unknown_model_type(train_tool, tmp_path):
    proc = train_tool(f'{REPO}/configs/vanilla/resnet8_digits.py', 'model.backbone.type=CifarResNett',
                      f'work_dir={tmp_path}', check=False)
    assert proc.returncode != 0
    assert "Unknown model type 'CifarResNett'" in proc.stderr
    assert "CifarResNet" in proc.stderr.split('Did you mean')[1]


def test_unknown_base_model_name_lists_close_names():
    from sokd_mm.utils import base_model
    with pytest.raises(ValueError, match="resnet56"):
        base_model('resnet65')
