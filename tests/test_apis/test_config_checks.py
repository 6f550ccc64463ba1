"""Config mistakes caught before training: --cfg-options typos, unknown registry types."""
import os.path as osp

import pytest
from mmengine.config import Config

from sokd_mm.apis import check_cfg_options, explain_registry_error
from sokd_mm.errors import ConfigError
from tests.conftest import REPO


def test_typo_in_cfg_options_is_refused_naming_the_nearest_key():
    cfg = Config.fromfile(f'{REPO}/configs/kd/kd_r56_r20_cifar100.py')
    with pytest.raises(ConfigError, match=r"'model.teacher_ckp' \(did you mean "
                                          r"'model.teacher_ckpt'\?\), .* match nothing") as error:
        check_cfg_options(cfg, {'model.teacher_ckp': 'x.pth', 'train_cfg.max_epochs': 3,
                                'randomnes.seed': 3})
    assert "'randomnes.seed' (did you mean 'randomness.seed'?)" in str(error.value)
    assert 'max_epochs' not in str(error.value)  # the existing key is not reported


def test_unknown_type_suggests_registered_names():
    err = KeyError('CifarResNett is not in the mmpretrain::model registry. Please check '
                   'whether the value of `CifarResNett` is correct or it was registered as '
                   'expected.')
    msg = explain_registry_error(err)
    assert 'CifarResNet' in msg and 'Did you mean' in msg
    assert explain_registry_error(KeyError('something else')) is None


def test_train_tool_reports_unknown_model_type(train_tool, tmp_path):
    proc = train_tool(f'{REPO}/configs/vanilla/resnet8_digits.py',
                      'model.backbone.type=CifarResNett',
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
    check_cfg_options(cfg, {'train_dataloader.dataset.check_md5': False,
                            'train_dataloader.dataset.indices': 100,
                            # arguments of what builds a dict without a type of its own
                            'randomness.deterministic': True, 'resume': False,
                            'train_dataloader.persistent_workers': False,
                            'optim_wrapper.clip_grad': None, 'train_cfg.val_begin': 2})


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
    # a typo is refused before anything is built, the hint in the final line
    ('model.teacher_ckp=x.pth', "'model.teacher_ckp' (did you mean 'model.teacher_ckpt'?) "
                                'matches nothing'),
    ('train_dataloader.batch_size=sixtyfour',
     "train_dataloader.batch_size = 'sixtyfour': expected a whole number >= 1"),
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


def test_num_classes_of_every_head_must_match_the_data():
    from sokd_mm.apis import check_num_classes
    from sokd_mm.utils import base_model
    kd = Config.fromfile(osp.join(REPO, 'configs/kd/kd_r20_r8_fashion_mnist.py'))
    check_num_classes(kd)  # shipped: 10 everywhere
    # The README's pair example without num_classes: a 100-way student on 10 classes.
    kd.model.architecture = base_model('resnet8')
    with pytest.raises(ConfigError, match=r'The training data has 10 classes but '
                       r'model\.architecture\.head\.num_classes=100\. Set '
                       r'model\.architecture\.head\.num_classes=10'):
        check_num_classes(kd)
    teacher = Config.fromfile(osp.join(REPO, 'configs/vanilla/resnet20_fashion_mnist.py'))
    teacher.model = base_model('wrn_16_2', replace=False)
    with pytest.raises(ConfigError, match=r'model\.head\.num_classes=100'):
        check_num_classes(teacher)
    # Through CRD's dataset wrapper, and on data whose class count only the files know.
    check_num_classes(Config.fromfile(osp.join(REPO, 'configs/crd/crd_r20_r8_fashion_mnist.py')))
    kd.train_dataloader.dataset = dict(type='mmpretrain.CustomDataset', data_root='x')
    with pytest.raises(ConfigError, match='disagrees on the number of classes'):
        check_num_classes(kd)


def test_wrong_num_classes_stops_train_py_with_one_error_line(train_tool, tmp_path):
    proc = train_tool(osp.join(REPO, 'configs/kd/kd_r20_r8_fashion_mnist.py'),
                      'model.architecture.head.num_classes=100', 'model.teacher_ckpt=none.pth',
                      extra=['--work-dir', str(tmp_path / 'w')], check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('Error: The training data has 10 classes but '
                           'model.architecture.head.num_classes=100'), last


def test_missing_imagenet_folders_are_one_error_line(train_tool, tmp_path):
    """mmpretrain used to end in a 21-frame FileNotFoundError: 'data/imagenet/train'."""
    root = str(tmp_path / 'imagenet')
    proc = train_tool(osp.join(REPO, 'configs/vanilla/resnet18_imagenet.py'),
                      f'train_dataloader.dataset.data_root={root}',
                      extra=['--work-dir', str(tmp_path / 'w')], check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f'Error: train_dataloader: the image folder {root}/train does not '
                           'exist') and 'train_dataloader.dataset.data_root=' in last, last


@pytest.mark.parametrize('key, value, expected', [
    ('optim_wrapper.optimizer.lr', -0.1, 'a number > 0'),
    ('optim_wrapper.optimizer.lr', '0.05x', 'a number > 0'),
    ('optim_wrapper.optimizer.momentum', 1.5, 'a number in [0, 1]'),
    ('train_dataloader.batch_size', 0, 'a whole number >= 1'),
    ('train_dataloader.batch_size', 'sixtyfour', 'a whole number >= 1'),
    ('train_cfg.max_epochs', 0, 'a whole number >= 1'),
    ('train_cfg.max_epochs', 1.5, 'a whole number >= 1'),
    ('train_cfg.max_epochs', 'one', 'a whole number >= 1'),
    ('train_dataloader.dataset.indices', -5, 'N >= 1 (the first N images) or a list'),
    ('randomness.seed', 'x', 'a whole number >= 0'),
])
def test_a_value_of_the_wrong_type_or_range_is_refused_naming_key_and_expectation(
        key, value, expected):
    from sokd_mm.apis import load_config
    with pytest.raises(ConfigError) as error:
        load_config(f'{REPO}/configs/vanilla/resnet8_fashion_mnist.py', {key: value})
    assert str(error.value).startswith(f'{key} = {value!r}: expected {expected}')
    assert f', e.g. --cfg-options {key}=' in str(error.value)


def test_sokd_optimizers_are_checked_too():
    from sokd_mm.apis import load_config
    with pytest.raises(ConfigError, match=r'optim_wrapper.policy.optimizer.lr = -1'):
        load_config(f'{REPO}/configs/sokd/sokd_fitnet_r20_r8_fashion_mnist.py',
                    {'optim_wrapper.policy.optimizer.lr': -1})
    # the policy is a key SoKD's constructor reads, not one the wrapper takes: a misspelling
    # of it is still refused
    with pytest.raises(ConfigError, match="'optim_wrapper.polcy.optimizer.lr' .*matches nothing"):
        load_config(f'{REPO}/configs/sokd/sokd_fitnet_r20_r8_fashion_mnist.py',
                    {'optim_wrapper.polcy.optimizer.lr': 1e-3})


@pytest.mark.parametrize('text, message', [
    ('', 'defines no `model`'),
    ("model = dict(type='ImageClassifier'\n", 'is not valid Python: '),
    ("_base_ = ['./missing_base.py']\n", 'could not be read'),
])
def test_a_broken_config_file_is_one_error_line(tmp_path, text, message):
    from sokd_mm.apis import load_config
    config = tmp_path / 'mine.py'
    config.write_text(text)
    with pytest.raises(SystemExit) as error:
        load_config(str(config))
    assert str(error.value).startswith('Error: ') and message in str(error.value)
    assert '\n' not in str(error.value)


def test_a_mistyped_config_path_names_the_shipped_config():
    from sokd_mm.apis import load_config
    with pytest.raises(SystemExit, match=r'Did you mean configs/kd/kd_r20_r8_fashion_mnist.py'):
        load_config('configs/kd/kd_r20_r8_fashionmnist.py')


def test_a_misspelt_loss_argument_lists_what_the_loss_takes():
    from sokd_mm.apis import explain_build_error, load_config
    with pytest.raises(ConfigError, match=r"loss_kd.smoothing' \(KLDivergence takes: tau, "):
        load_config(f'{REPO}/configs/kd/kd_r20_r8_fashion_mnist.py',
                    {'model.distiller.distill_losses.loss_kd.smoothing': 4})
    # KD's temperature is mmrazor's tau: named although no spelling is close
    with pytest.raises(ConfigError, match=r"loss_kd.temperature' \(did you mean "
                       r"'model.distiller.distill_losses.loss_kd.tau'\?\)"):
        load_config(f'{REPO}/configs/kd/kd_r20_r8_fashion_mnist.py',
                    {'model.distiller.distill_losses.loss_kd.temperature': 4})
    # written in a config file instead, the build error says the same
    message = explain_build_error(TypeError(
        "KLDivergence.__init__() got an unexpected keyword argument 'temperature'"))
    assert message.endswith('KLDivergence takes: tau, reduction, loss_weight, teacher_detach.')
