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


def test_constructor_arguments_are_not_reported_as_typos():
    cfg = Config.fromfile(f'{REPO}/configs/kd/kd_r56_r20_cifar100.py')
    # the README's own keys: arguments of OfflineCIFAR100 / mmengine's BaseDataset
    msgs = check_cfg_options(cfg, {'train_dataloader.dataset.check_md5': False,
                                   'train_dataloader.dataset.indices': 100})
    assert msgs == []


def test_non_numeric_or_negative_loss_weight_is_refused():
    from sokd_mm.apis import check_loss_weights
    from sokd_mm.errors import ConfigError
    cfg = Config.fromfile(f'{REPO}/configs/kd/kd_r56_r20_cifar100.py')
    check_loss_weights(cfg)
    cfg.merge_from_dict({'model.distiller.distill_losses.loss_kd.loss_weight': 'high'})
    with pytest.raises(ConfigError, match=r"model.distiller.distill_losses.loss_kd.loss_weight "
                                          r"= 'high'"):
        check_loss_weights(cfg)


DIGITS_KD = f'{REPO}/configs/kd/kd_r20_r8_digits.py'


@pytest.mark.parametrize('option,phrase', [
    ('model.teacher_ckp=x.pth', "takes no argument 'teacher_ckp'"),
    ('model.distiller.distill_losses.loss_kd.loss_weight=high', 'a loss weight must be'),
    ('train_dataloader.dataset.type=mmpretrain.Digits33', "Unknown dataset type"),
    ('optim_wrapper.optimizer.type=SGDD', 'names nothing registered'),
])
def test_train_tool_mistakes_are_one_error_line(train_tool, tmp_path, option, phrase):
    proc = train_tool(DIGITS_KD, option, 'model.allow_random_teacher=True',
                      'train_cfg.max_epochs=1', extra=['--work-dir', str(tmp_path)],
                      check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('Error:') and phrase in last, last
