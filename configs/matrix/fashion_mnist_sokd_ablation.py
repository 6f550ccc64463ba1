# Which part of SoKD costs the student accuracy: SoKD-FitNet taken apart on Fashion-MNIST,
# ResNet20 -> ResNet8, at the budget of configs/matrix/fashion_mnist_cpu.py (students: the first
# 5,000 training images, 10 epochs, steps at 6, 8, 9; SoKD search during the first epoch).
#   python tools/run_matrix.py configs/matrix/fashion_mnist_sokd_ablation.py --jobs 2 --fast
#   python tools/collect_results.py work_dirs/sokd_ablation_fashion_mnist --metric test_top1
# Model selection never sees the test set: the last 5,000 training images are held out as the
# validation split (`top1`), the teacher learns from the first 55,000, and every finished
# student is then scored once on the 10,000 test images (`test_top1`, what the docs report).
# One seed screens every variant; configs/matrix/fashion_mnist_sokd_plus.py runs 3 seeds of
# what matters. Results: docs/en/sokd_ablation.md.
work_dir = 'work_dirs/sokd_ablation_fashion_mnist'
launcher = 'none'
seeds = [0]
teacher_kinds = ['vanilla']
test_after = True
_holdout = (55000, 60000)
cfg_options = {
    'train_dataloader.dataset.indices': 5000,
    'val_dataloader.dataset.split': 'train',
    'val_dataloader.dataset.index_range': _holdout,
    'train_cfg.max_epochs': 10,
    'train_cfg.val_interval': 10,
    'param_scheduler.milestones': [6, 8, 9],
    'default_hooks.logger.interval': 50,
    'default_hooks.checkpoint.interval': 5,
}
teachers = dict(resnet20=dict(vanilla=dict(
    config='configs/vanilla/resnet20_fashion_mnist.py',
    cfg_options={'train_dataloader.dataset.indices': None,
                 'train_dataloader.dataset.index_range': (0, _holdout[0])})))
_search = {'model.search_epochs': 1}
# A variant is the shipped SoKD config with SoKD's options changed (model.distiller.*, see
# docs/en/user_guides/sokd.md); its name lists the changes, one token each.
_TOKENS = {
    'c1': {'model.distiller.connectors.hint_connector.type': 'ConvRegConnector'},  # FitNet's
    'c3': {},                                    # the authors' 3-block connector (shipped)
    'whole': {'model.distiller.dam': 'off'},     # L_DA over the whole map, no detector
    'ref': {'model.distiller.dam': 'reference'},
    'live': {'model.distiller.dam': 'live'},
    'mix': {'model.distiller.area_mix': 0.5},
    'aug': _search,
    'noaug': {'model.distiller.augment': False, 'model.search_epochs': 0},
    'spatial': {'model.distiller.ops': 'spatial'},
    'channel': {'model.distiller.ops': 'channel'},
    'ours': {'model.distiller.op_set': 'ours'},
    'w10': {'model.distiller.area_weight': 10.0},
    'w30': {'model.distiller.area_weight': 30.0},
    'w1000': {'model.distiller.area_weight': 1000.0},
    'ld0': {'model.distiller.agreement_weight': 0.0},
    'ld10': {'model.distiller.agreement_weight': 10.0},
}


def _variant(name, extra=None, base='fitnet'):
    """SoKD-<base> with the options the tokens of ``name`` stand for, then ``extra``."""
    options = {}
    for token in name.split('_'):
        options.update(_TOKENS[token])
    options.update(extra or {})
    return dict(config=f'configs/sokd/sokd_{base}_r20_r8_fashion_mnist.py', cfg_options=options)


def _kd_variant(name, extra=None):
    return _variant(name, extra, base='kd')


methods = dict(
    student='configs/vanilla/resnet8_fashion_mnist.py',
    kd='configs/kd/kd_r20_r8_fashion_mnist.py',
    fitnet='configs/fitnet/fitnet_r20_r8_fashion_mnist.py',
    sokd_fitnet=dict(config='configs/sokd/sokd_fitnet_r20_r8_fashion_mnist.py',
                     cfg_options=_search),
    sokd_kd=dict(config='configs/sokd/sokd_kd_r20_r8_fashion_mnist.py', cfg_options=_search),
    sokd_fitnet_c1_whole_noaug=_variant('c1_whole_noaug'),
    sokd_fitnet_c3_whole_noaug=_variant('c3_whole_noaug'),
    sokd_fitnet_c3_whole_aug=_variant('c3_whole_aug'),
    sokd_fitnet_c3_whole_aug_nosearch=_variant('c3_whole_aug', {'model.search_epochs': 0}),
    sokd_fitnet_c3_whole_aug_search3=_variant('c3_whole_aug', {'model.search_epochs': 3}),
    sokd_fitnet_c3_whole_aug_first_order=_variant(
        'c3_whole_aug', {'model.search': 'first_order'}),
    sokd_fitnet_c3_whole_aug_second_order=_variant(
        'c3_whole_aug', {'model.search': 'second_order'}),
    sokd_fitnet_c3_whole_aug_spatial=_variant('c3_whole_aug_spatial'),
    sokd_fitnet_c3_whole_aug_channel=_variant('c3_whole_aug_channel'),
    sokd_fitnet_c3_whole_aug_ours=_variant('c3_whole_aug_ours'),
    sokd_fitnet_c3_ref_noaug=_variant('c3_ref_noaug'),
    sokd_fitnet_c3_ref_noaug_ld10=_variant('c3_ref_noaug_ld10'),
    sokd_fitnet_c3_ref_noaug_ld0=_variant('c3_ref_noaug_ld0'),
    sokd_fitnet_c3_live_noaug=_variant('c3_live_noaug'),
    sokd_fitnet_c1_whole_aug=_variant('c1_whole_aug'),
    sokd_fitnet_c1_live_noaug=_variant('c1_live_noaug'),
    sokd_fitnet_c1_ref_noaug=_variant('c1_ref_noaug'),
    sokd_fitnet_c1_whole_noaug_w1000=_variant('c1_whole_noaug_w1000'),
    # candidates for a student-oriented SoKD, chosen on the held-out top-1
    sokd_fitnet_c1_live_mix_noaug=_variant('c1_live_mix_noaug'),
    sokd_fitnet_c1_whole_aug_spatial=_variant('c1_whole_aug_spatial'),
    sokd_fitnet_c1_live_mix_aug_spatial=_variant('c1_live_mix_aug_spatial'),
    sokd_kd_c1_whole_noaug=_kd_variant('c1_whole_noaug'),
    sokd_kd_c1_whole_noaug_w10=_kd_variant('c1_whole_noaug_w10'),
    sokd_kd_c1_live_mix_noaug=_kd_variant('c1_live_mix_noaug'),
    # the hint's weight, after KD + a weight-10 hint led the candidates
    sokd_fitnet_c1_whole_noaug_w10=_variant('c1_whole_noaug_w10'),
    sokd_fitnet_c1_whole_noaug_w30=_variant('c1_whole_noaug_w30'),
    sokd_kd_c1_whole_noaug_w30=_kd_variant('c1_whole_noaug_w30'),
    sokd_fitnet_c1_whole_aug_spatial_w10=_variant('c1_whole_aug_spatial_w10'),
    sokd_fitnet_c1_live_mix_noaug_w10=_variant('c1_live_mix_noaug_w10'),
    sokd_kd_c1_whole_aug_spatial_w10=_kd_variant('c1_whole_aug_spatial_w10'),
    sokd_kd_c1_live_mix_noaug_w10=_kd_variant('c1_live_mix_noaug_w10'),
)
pairs = [dict(teacher='resnet20', student='resnet8', methods=methods)]
