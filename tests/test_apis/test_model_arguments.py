"""A key of the model config its class cannot take is refused from the config alone, before
the runner logs anything; a class whose code does not tell is left to the build."""
import glob
import os.path as osp

import pytest
import torch.nn as nn

from sokd_mm.apis import load_config
from sokd_mm.apis.model_arguments import _keyword_arguments, check_model_arguments
from sokd_mm.errors import ConfigError
from tests.conftest import REPO

CONFIGS = sorted(p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
                 if '/_base_/' not in p and '/matrix/' not in p)


def test_no_shipped_config_is_refused():
    assert len(CONFIGS) >= 70
    for path in CONFIGS:
        check_model_arguments(load_config(path))


def test_a_misspelt_key_in_a_child_config_names_key_class_and_the_close_argument(tmp_path):
    child = tmp_path / 'mine.py'
    child.write_text(f"_base_ = ['{REPO}/configs/kd/kd_r20_r8_digits.py']\n"
                     "model = dict(architecture=dict(backbone=dict(depht=8)))\n")
    with pytest.raises(ConfigError) as error:
        load_config(str(child))
    assert str(error.value) == (
        "model.architecture.backbone (CifarResNet) takes no argument 'depht': "
        'model.architecture.backbone.depht in the config (or a --cfg-options key) is misspelt '
        "or misplaced. Did you mean 'depth'? CifarResNet takes: depth, num_filters, block, "
        'init_cfg.')


def test_the_distillers_arguments_include_what_they_forward_to_their_bases(tmp_path):
    child = tmp_path / 'mine.py'
    child.write_text(f"_base_ = ['{REPO}/configs/kd/kd_r20_r8_digits.py']\n"
                     "model = dict(teacher_ckpts='t.pth')\n")
    with pytest.raises(ConfigError, match=r"model \(StrictTeacherDistill\) takes no argument "
                       r"'teacher_ckpts'.* Did you mean 'teacher_ckpt'\?.*architecture"):
        load_config(str(child))


class _Base(nn.Module):
    def __init__(self, width: int = 1) -> None:
        super().__init__()


class _Forwarding(_Base):
    def __init__(self, depth: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)


class _Consuming(_Base):
    def __init__(self, depth: int = 2, **kwargs) -> None:
        self.extra = kwargs.pop('extra', None)
        super().__init__(**kwargs)


def test_kwargs_count_only_when_the_code_just_forwards_them():
    assert _keyword_arguments(_Base) == ['width']
    assert _keyword_arguments(_Forwarding) == ['depth', 'width']
    assert _keyword_arguments(_Consuming) is None   # 'extra' is taken: no check


def test_train_py_says_it_in_one_line_before_the_environment_dump(train_tool, tmp_path):
    child = tmp_path / 'mine.py'
    child.write_text(f"_base_ = ['{REPO}/configs/kd/kd_r20_r8_digits.py']\n"
                     "model = dict(distiller=dict(distill_losses=dict(loss_kd=dict(tau=4, "
                     "temperatur=2))))\n")
    proc = train_tool(str(child), extra=['--work-dir', str(tmp_path / 'w')], check=False)
    assert proc.returncode == 1
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "Error: model.distiller.distill_losses.loss_kd (KLDivergence) takes no argument "
        "'temperatur'"), lines[:5]
    assert "Did you mean 'tau'?" in lines[0]   # KD's temperature is mmrazor's tau
    assert not osp.exists(tmp_path / 'w')
