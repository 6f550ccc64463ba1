"""A SoKD child config a user writes on a base never silently keeps the base's own hint:
with FitNet as the base, L_DA replaces FitNet's plain hint loss unless asked to keep it; with
KD as the base, KD's loss stays."""
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.conftest import REPO


SOKD_TAIL = ("optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')\n"
             "model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)\n")
# What a user writes for SoKD on a base that records the hint already (FitNet) and on one that
# does not (KD): docs/en/user_guides/sokd.md.
ON_FITNET = ("model = dict(type='SoKDDistill', search_epochs=4, distiller=dict(\n"
             "    type='SoKDDistiller', hints=dict(hint='hint_connector'){extra}))\n")
ON_KD = ("model = dict(type='SoKDDistill', search_epochs=4, distiller=dict(\n"
         "    type='SoKDDistiller', hints=dict(hint='hint_connector'),\n"
         "    student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),\n"
         "    teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),\n"
         "    connectors=dict(hint_connector=dict(type='ThreeBlockConvRegConnector',\n"
         "                    student_shape=(32, 16, 16), teacher_shape=(32, 16, 16)))))\n")


def _build(tmp_path, base: str, body: str):
    from mmrazor.registry import MODELS
    child = tmp_path / 'my_sokd.py'
    child.write_text(f"_base_ = ['{REPO}/configs/{base}']\n" + body + SOKD_TAIL)
    cfg = Config.fromfile(str(child))
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(model_cfg), cfg


@pytest.mark.parametrize('extra, kept', [
    ('', set()),                                   # the paper's SoKD-FitNet
    (', keep_base_hint=True', {'loss_hint'}),      # asked for: both
])
def test_fitnet_base_hint_is_replaced_unless_kept(tmp_path, extra, kept):
    model, _ = _build(tmp_path, 'fitnet/fitnet_r20_r8_fashion_mnist.py',
                      ON_FITNET.format(extra=extra))
    assert set(model.distiller.distill_losses) == kept
    assert set(model.distiller.loss_forward_mappings) == kept
    # inherited: FitNet's recorders and connector geometry, the class count from the head
    assert model.distiller.connectors['hint_connector'].teacher_shape == (32, 16, 16)
    assert model.distiller.dams['hint'].heatmap_head[-2].out_channels == 10


def test_kd_base_keeps_its_loss(tmp_path):
    model, _ = _build(tmp_path, 'kd/kd_r20_r8_fashion_mnist.py', ON_KD)
    assert set(model.distiller.distill_losses) == {'loss_kd'}
    assert type(model.distiller.connectors['hint_connector']).__name__ == \
        'ThreeBlockConvRegConnector'


def test_student_optimizer_is_the_base_schedules_and_policy_the_authors_adam(tmp_path):
    from mmengine.optim import build_optim_wrapper
    model, cfg = _build(tmp_path, 'kd/kd_r20_r8_fashion_mnist.py', ON_KD)
    base = Config.fromfile(f'{REPO}/configs/kd/kd_r20_r8_fashion_mnist.py').optim_wrapper
    wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
    student = wrappers['student'].optimizer
    assert type(student).__name__ == base.optimizer.type
    assert student.defaults['lr'] == base.optimizer.lr
    assert student.defaults['weight_decay'] == base.optimizer.weight_decay
    policy = wrappers['policy'].optimizer
    assert type(policy).__name__ == 'Adam'
    assert policy.defaults['lr'] == 3e-4 and policy.defaults['betas'] == (0.5, 0.999)
    # a partial override keeps the rest of the authors' settings
    cfg.optim_wrapper['policy'] = dict(optimizer=dict(lr=1e-3))
    policy = build_optim_wrapper(model, cfg.optim_wrapper)['policy'].optimizer
    assert policy.defaults['lr'] == 1e-3 and policy.defaults['betas'] == (0.5, 0.999)
    # every policy parameter is in the policy optimizer, none in the student's
    in_student = {id(p) for g in student.param_groups for p in g['params']}
    assert not any(id(p) in in_student for p in model.distiller.augmenters.parameters())


def test_no_search_builds_no_policy_optimizer(tmp_path):
    from mmengine.optim import build_optim_wrapper
    model, cfg = _build(tmp_path, 'kd/kd_r20_r8_fashion_mnist.py',
                        ON_KD.replace('search_epochs=4', 'search_epochs=0'))
    assert list(build_optim_wrapper(model, cfg.optim_wrapper).keys()) == ['student']


def test_the_former_student_key_gets_a_clear_error(tmp_path):
    from mmengine.optim import build_optim_wrapper

    from sokd_mm.errors import ConfigError
    model, cfg = _build(tmp_path, 'kd/kd_r20_r8_fashion_mnist.py', ON_KD)
    old = dict(constructor='SoKDOptimWrapperConstructor',
               student=dict(optimizer=dict(type='SGD', lr=0.05)))
    with pytest.raises(ConfigError, match='optim_wrapper.student.optimizer is now '
                                          'optim_wrapper.optimizer'):
        build_optim_wrapper(model, old)


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
