"""A SoKD child config a user writes on a base never silently keeps the base's own hint:
with FitNet as the base, L_DA replaces FitNet's plain hint loss unless asked to keep it; with
KD as the base, KD's loss stays."""
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.conftest import REPO


def _build_distiller(tmp_path, base: str, call: str):
    from mmrazor.registry import MODELS
    child = tmp_path / 'my_sokd.py'
    child.write_text(f"_base_ = ['{REPO}/configs/{base}']\n"
                     'from sokd_mm.utils import sokd_settings\n'
                     f'model, optim_wrapper, model_wrapper_cfg = sokd_settings({call})\n')
    model_cfg = Config.fromfile(str(child)).model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(model_cfg).distiller


GEOMETRY = 'student_shape=(32, 16, 16), teacher_shape=(32, 16, 16), num_classes=10'


@pytest.mark.parametrize('call, kept', [
    (GEOMETRY, set()),                                   # the paper's SoKD-FitNet
    (GEOMETRY + ', replaces_hint_loss=True', set()),
    (GEOMETRY + ', replaces_hint_loss=False', {'loss_hint'}),  # asked for: both
])
def test_fitnet_base_hint_is_replaced_unless_kept(tmp_path, call, kept):
    distiller = _build_distiller(tmp_path, 'fitnet/fitnet_r20_r8_fashion_mnist.py', call)
    assert set(distiller.distill_losses) == kept
    assert set(distiller.loss_forward_mappings) == kept


def test_kd_base_keeps_its_loss(tmp_path):
    distiller = _build_distiller(tmp_path, 'kd/kd_r20_r8_fashion_mnist.py', GEOMETRY)
    assert set(distiller.distill_losses) == {'loss_kd'}


SOKD_FITNET = 'configs/sokd/sokd_fitnet_r20_r8_fashion_mnist.py'


@pytest.mark.parametrize('options, module, expected', [
    ({'model.distiller.dam': 'live'}, 'distiller.dams.hint',
     dict(type='LiveDistinctiveAreaModule')),
    ({'model.distiller.dam': 'live'}, 'distiller',
     dict(loss_weights=dict(area=100.0, agreement=10.0, heatmap=1.0))),
    ({'model.distiller.dam': 'off'}, 'distiller.dams.hint', dict(type='WholeMapArea')),
    ({'model.distiller.dam': 'live', 'model.distiller.area_mix': 0.5}, 'distiller.dams.hint',
     dict(area_mix=0.5)),
    ({'model.distiller.topk': 4, 'model.distiller.box_rule': 'ours'}, 'distiller.dams.hint',
     dict(topk=4, box_rule='ours')),
    ({'model.distiller.op_set': 'ours'}, 'distiller.augmenters.hint', dict(op_set='ours')),
    ({'model.distiller.ops': 'spatial'}, 'distiller.augmenters.hint',
     dict(ops=['ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Cutout'])),
    ({'model.distiller.area_weight': 30.0, 'model.distiller.agreement_weight': 10.0},
     'distiller', dict(loss_weights=dict(area=30.0, agreement=10.0, heatmap=1.0))),
    ({'model.distiller.connectors.hint_connector.type': 'ConvRegConnector'},
     'distiller.connectors.hint_connector', dict(type='ConvRegConnector')),
    ({'model.search': 'first_order', 'model.search_epochs': 3}, '<model>',
     dict(search='first_order', search_epochs=3)),
])
def test_every_sokd_option_is_a_cfg_option(options, module, expected):
    from tests.helpers.config_fingerprint import fingerprint
    built = fingerprint(SOKD_FITNET, options)['modules'][module]
    assert {key: built[key] for key in expected} == expected


def test_augmentation_off_by_cfg_option_builds_no_augmenter():
    from tests.helpers.config_fingerprint import fingerprint
    modules = fingerprint(SOKD_FITNET, {'model.distiller.augment': False,
                                        'model.search_epochs': 0})['modules']
    assert 'distiller.augmenters.hint' not in modules
    assert modules['distiller.dams.hint']['type'] == 'DistinctiveAreaModule'


def test_keeping_fitnets_hint_beside_l_da_is_a_cfg_option():
    from tests.helpers.config_fingerprint import fingerprint
    default = fingerprint(SOKD_FITNET)['modules']['distiller']
    kept = fingerprint(SOKD_FITNET, {'model.distiller.keep_base_hint': True})['modules']
    assert 'loss_hint' not in default['loss_forward_mappings']
    assert 'loss_hint' in kept['distiller']['loss_forward_mappings']
