"""Under the fast runtime no training step makes the host wait for the device: no read of a
device tensor's value and no blocking host-to-device copy between two sync points of the
device-resident loop, for KD, SoKD (searching, after the search, live DAM) and SoTeacher.
Counted by ``sokd_mm.utils.host_waits`` (its doc says what counts)."""
import pytest
from mmengine.config import Config, DictAction

from sokd_mm.apis import apply_fast_runtime
from sokd_mm.utils.host_waits import run_host_waits
from tests.conftest import REPO, small_cifar_options


# config, --cfg-options, epochs, first and last iteration (1-based) of the counted window
CASES = {
    'kd': ('configs/kd/kd_r56_r20_cifar100.py', {}, 1, 3, 9),
    'sokd_searching': ('configs/sokd/sokd_fitnet_r56_r20_cifar100.py',
                       {'model.search_epochs': '1'}, 1, 3, 9),
    'sokd_after_search': ('configs/sokd/sokd_fitnet_r56_r20_cifar100.py',
                          {'model.search_epochs': '1'}, 2, 15, 21),
    'sokd_live': ('configs/sokd/ablation/sokd_fitnet_live_r56_r20_cifar100.py',
                  {'model.search_epochs': '0'}, 1, 3, 9),
    # epoch 2: the consistency term and the ensemble read are on from the second epoch
    'soteacher': ('configs/soteacher/soteacher_resnet56_cifar100.py', {}, 2, 15, 21),
}


def host_waits(tmp_path, root, case: str, fast: bool = True) -> list:
    """Call sites of reads and blocking copies in the window of ``case`` (12 iterations of
    4 images per epoch; the logger every 100 iterations, so only the epoch end syncs)."""
    config, extra, epochs, first, last = CASES[case]
    cfg = Config.fromfile(f'{REPO}/{config}')
    options = dict(o.split('=', 1) for o in small_cifar_options(root, batch=4, epochs=epochs))
    options.update(extra)
    cfg.merge_from_dict({k: DictAction._parse_iterable(v) for k, v in options.items()})
    if 'teacher_ckpt' in cfg.model:
        cfg.model.update(teacher_ckpt=None, allow_random_teacher=True)
    cfg.default_hooks.logger.interval = 100
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.work_dir, cfg.log_level = str(tmp_path / case), 'WARNING'
    if fast:
        apply_fast_runtime(cfg, bf16=False)
    return run_host_waits(cfg, first - 1, last - 1)


@pytest.mark.parametrize('case', sorted(CASES))
def test_no_read_and_no_blocking_copy_between_sync_points(tmp_path, tiny_cifar100_root, case):
    assert host_waits(tmp_path, tiny_cifar100_root, case) == []


def test_the_counter_sees_what_the_standard_runtime_does(tmp_path, tiny_cifar100_root):
    """The counter is not blind: the standard runtime reads every logged loss each iteration
    (RuntimeInfoHook's .item()), and SoKD's host sampling reads the policy draw."""
    kd = host_waits(tmp_path, tiny_cifar100_root, 'kd', fast=False)
    assert len(kd) >= 7 * 3, kd[:5]  # loss, student loss, KD loss each iteration
    sokd = host_waits(tmp_path, tiny_cifar100_root, 'sokd_after_search', fast=False)
    assert any('feature_augmenter.py' in site for site in sokd), sokd[:5]
