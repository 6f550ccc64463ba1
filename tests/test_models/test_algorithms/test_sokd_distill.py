"""SoKDDistill end to end on generated CIFAR-format data: the policy learns during the search
and is frozen after it, the teacher never changes, resume during the search is exact, and
configuration mistakes are explained."""
import os.path as osp

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmrazor.registry import MODELS

from sokd_mm.models.distillers import RecorderNameError, SoKDConfigError
from sokd_mm.utils import base_model
from tests.conftest import REPO, small_cifar_options

POLICY = ('alpha', 'prob', 'magnitude')


def _policy(state: dict) -> dict:
    return {k: v for k, v in state.items()
            if k.startswith('distiller.augmenters.') and k.split('.')[-1] in POLICY}


def _config(tmp_path, base: str = 'sokd_fitnet_r56_r20_cifar100.py') -> str:
    cfg = tmp_path / f'small_{base}'
    cfg.write_text(
        f"_base_ = ['{REPO}/configs/sokd/{base}']\n"
        "train_dataloader = dict(dataset=dict(pipeline=[dict(type='mmpretrain.PackInputs')]))\n"
        "randomness = dict(seed=0, deterministic=True)\n")
    return str(cfg)


def _options(root, ckpt, epochs, search_epochs, search='second_order'):
    return [o for o in small_cifar_options(root, batch=32)
            if not o.startswith('train_cfg.max_epochs')] + [
        f'train_cfg.max_epochs={epochs}', f'model.search_epochs={search_epochs}',
        f'model.search={search}', f'model.teacher_ckpt={ckpt}']


def test_policy_moves_during_search_only_and_teacher_is_untouched(train_tool, tmp_path,
                                                                 cifar100_root, resnet56_ckpt):
    work = str(tmp_path / 'run')
    train_tool(_config(tmp_path), *_options(cifar100_root, resnet56_ckpt, 2, 1),
               extra=['--work-dir', work])
    e1 = torch.load(osp.join(work, 'epoch_1.pth'), weights_only=False)
    e2 = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)
    p1, p2 = _policy(e1['state_dict']), _policy(e2['state_dict'])
    assert len(p1) == 3
    assert not torch.allclose(p1['distiller.augmenters.hint.magnitude'], torch.full((36, 2), .5))
    assert not torch.allclose(p1['distiller.augmenters.hint.alpha'], torch.full((36, ), 1e-3))
    for k in p1:  # frozen after the search epoch
        assert torch.equal(p1[k], p2[k]), k
    student = 'architecture.backbone.conv1.weight'
    assert not torch.equal(e1['state_dict'][student], e2['state_dict'][student])
    # the policy optimizer's state is checkpointed
    assert 'policy' in e1['optimizer'] and e1['optimizer']['policy']['state']
    teacher = torch.load(resnet56_ckpt)['state_dict']
    for k, v in teacher.items():
        assert torch.equal(e2['state_dict']['teacher.' + k], v), k


def _sokd_model(**distiller):
    d = dict(
        type='SoKDDistiller',
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer3')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer3')),
        connectors=dict(c=dict(type='ConvRegConnector', student_shape=(64, 8, 8),
                               teacher_shape=(64, 8, 8))),
        hints=dict(hint='c'))
    d.update(distiller)
    return dict(type='SoKDDistill', architecture=base_model('resnet8', replace=False),
                teacher=base_model('resnet20', replace=False), allow_random_teacher=True,
                distiller=d)


def test_hint_naming_a_missing_module_lists_nearest_names():
    cfg = _sokd_model(student_recorders=dict(
        hint=dict(type='ModuleOutputs', source='backbone.layer03')))
    with pytest.raises(RecorderNameError, match=r"backbone.layer0.*backbone.layer3|"
                                                r"backbone.layer3"):
        MODELS.build(cfg)


def test_unknown_connector_and_recorder_in_hints():
    with pytest.raises(SoKDConfigError, match=r"hints.hint='nope' is not one of the connectors"):
        MODELS.build(_sokd_model(hints=dict(hint='nope')))
    with pytest.raises(SoKDConfigError, match="'hint' is not one of the teacher_recorders"):
        MODELS.build(_sokd_model(teacher_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone.layer3'))))


def test_the_reference_dam_takes_its_classes_from_the_student_head():
    def heatmap_channels(model):
        convs = [m for m in model.distiller.dams['hint'].heatmap_head.modules()
                 if isinstance(m, torch.nn.Conv2d)]
        return convs[-1].out_channels

    assert heatmap_channels(MODELS.build(_sokd_model())) == 100  # resnet8's head
    assert heatmap_channels(MODELS.build(_sokd_model(num_classes=7))) == 7


def test_weights_that_do_not_apply_and_unknown_dams_are_errors():
    with pytest.raises(SoKDConfigError, match=r"heatmap_weight does not apply to "
                                              r"dam='reference'"):
        MODELS.build(_sokd_model(heatmap_weight=2.0))
    with pytest.raises(SoKDConfigError, match=r"dam must be one of \('reference', 'live', "
                                              r"'off'\), got 'lively'"):
        MODELS.build(_sokd_model(dam='lively'))
    with pytest.raises(SoKDConfigError, match=r'area_weight=-1.0; expected a number >= 0'):
        MODELS.build(_sokd_model(area_weight=-1.0))


def test_missing_policy_optimizer_and_long_search_are_reported():
    model = MODELS.build(_sokd_model())
    hub = MessageHub.get_current_instance()
    hub.update_info('epoch', 0)
    hub.update_info('max_epochs', 3)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    from mmpretrain.structures import DataSample
    data = dict(inputs=[torch.zeros(3, 32, 32, dtype=torch.uint8)] * 2,
                data_samples=[DataSample().set_gt_label(0)] * 2)
    with pytest.raises(SoKDConfigError, match='no policy optimizer'):
        model.train_step(data, wrapper)
    model = MODELS.build(dict(_sokd_model(), search_epochs=0))
    model.train_step(data, wrapper)  # no search: one optimizer is enough


def test_search_longer_than_the_run_is_a_warning(tmp_path):
    from mmengine.logging import MMLogger
    import logging
    logger = MMLogger.get_instance('sokd_warn_test')
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    model = MODELS.build(dict(_sokd_model(), search_epochs=50))
    hub = MessageHub.get_current_instance()
    hub.update_info('epoch', 0)
    hub.update_info('max_epochs', 3)
    assert model._is_searching(policy_wrapper=object())
    assert any('exceeds max_epochs' in r.getMessage() for r in records)


def test_two_cpu_processes_train_sokd_with_identical_students(tmp_path, cifar100_root,
                                                             resnet56_ckpt):
    from tests.conftest import dist_train_rank_weights
    opts = [o.replace('batch_size=32', 'batch_size=16')
            for o in _options(cifar100_root, resnet56_ckpt, 1, 1)]
    r0, r1 = dist_train_rank_weights(tmp_path, _config(tmp_path), opts)
    for k in r0:
        if 'running_' in k or 'num_batches_tracked' in k:
            continue  # BN statistics are per rank (no SyncBN)
        assert torch.equal(r0[k], r1[k]), k  # student, connector, DAM and policy agree
    assert not torch.allclose(r0['distiller.augmenters.hint.magnitude'],
                              torch.full((36, 2), 0.5))


def test_a_dam_of_the_wrong_width_names_its_config_key_and_the_width_to_set():
    from mmpretrain.structures import DataSample

    from sokd_mm.models.distillers.sokd.dam import DAMConfigError
    cfg = _sokd_model()
    cfg['distiller']['in_channels'] = 32
    model = MODELS.build(cfg)
    samples = [DataSample().set_gt_label(i % 10) for i in range(2)]
    with pytest.raises(DAMConfigError, match=r"^model\.distiller\.in_channels \(hint 'hint'\): "
                       r'DistinctiveAreaModule expects 32-channel features .* got 64; set its '
                       r'in_channels to 64'):
        model.loss(torch.randn(2, 3, 32, 32), samples)
