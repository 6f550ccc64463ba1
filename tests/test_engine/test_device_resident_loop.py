"""The fast runtime (``tools/train.py --fast``) trains what the standard runtime trains: the
same steps given the same batches, the same logged values, exact kill-and-resume, a NaN caught
before any checkpoint, and clear refusals of what it cannot run."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from sokd_mm.apis import apply_fast_runtime
from sokd_mm.errors import ConfigError
from tests.conftest import REPO, assert_same_state, config_with_faults, small_cifar_options

VANILLA = osp.join(REPO, 'configs', 'vanilla', 'resnet8_cifar100.py')


def with_train_pipeline(tmp_path, config: str, pipeline: str) -> str:
    """A child of ``config`` training with ``pipeline`` (a list of transform dicts, as text)."""
    path = tmp_path / f'pipeline_{osp.basename(config)}'
    path.write_text(f"_base_ = ['{config}']\n"
                    f"train_dataloader = dict(dataset=dict(pipeline={pipeline}))\n")
    return str(path)


def _losses(work_dir: str) -> list:
    """The training lines of vis_data/scalars.json (one per logged iteration)."""
    path = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))[0]
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return [{k: v for k, v in r.items() if 'loss' in k or k == 'iter'} for r in rows
            if 'loss' in r]


@pytest.mark.parametrize('config, extra', [
    (VANILLA, []),
    ('configs/kd/kd_r56_r20_cifar100.py', ['teacher']),
    ('configs/soteacher/soteacher_resnet56_cifar100.py', []),
])
def test_fast_steps_equal_the_standard_steps_given_the_same_batches(
        config, extra, train_tool, tmp_path, tiny_cifar100_root, resnet56_ckpt):
    """No random augmentation, so both runtimes see the same batches (the sampler's order):
    weights, optimizer state and every logged loss agree exactly after 2 epochs."""
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=2) + [
        'randomness.deterministic=True', 'default_hooks.logger.interval=2']
    if 'teacher' in extra:
        opts.append(f'model.teacher_ckpt={resnet56_ckpt}')
    config = with_train_pipeline(tmp_path, osp.join(REPO, config),
                                 "[dict(type='mmpretrain.PackInputs')]")
    standard, fast = str(tmp_path / 'standard'), str(tmp_path / 'fast')
    train_tool(config, *opts, extra=['--work-dir', standard])
    log = train_tool(config, *opts, extra=['--work-dir', fast, '--fast'])
    assert 'Device-resident training data: 48 images on cpu' in log.stdout + log.stderr
    a, b = (torch.load(osp.join(d, 'epoch_2.pth'), weights_only=False) for d in (standard, fast))
    for key in ('state_dict', 'optimizer'):
        assert_same_state(a[key], b[key], key)
    # Logged every 2nd batch: each line is the mean over the window (iterations 1..n), so a
    # value lost or out of order between sync points would change it.
    assert _losses(standard) == _losses(fast) and len(_losses(fast)) == 2


MID_EPOCH = ['default_hooks.checkpoint.by_epoch=False', 'default_hooks.checkpoint.interval=2']


@pytest.mark.parametrize('config', [VANILLA, 'configs/soteacher/soteacher_resnet56_cifar100.py'])
def test_sigkill_mid_epoch_then_resume_with_fast_is_bit_identical(config, train_tool, tmp_path,
                                                                   tiny_cifar100_root):
    """With crops and flips drawn on the device: killed after iteration 8 (of 9, epoch 3),
    resumed from iter_8.pth, the run ends where the uninterrupted one does."""
    cfg = config_with_faults(tmp_path, osp.join(REPO, config))
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + [
        'randomness.deterministic=True', *MID_EPOCH]
    clean, broken = str(tmp_path / 'clean'), str(tmp_path / 'broken')
    train_tool(cfg, *opts, extra=['--work-dir', clean, '--fast'])
    killed = train_tool(cfg, *opts, extra=['--work-dir', broken, '--fast'], check=False,
                        env={'SOKD_KILL_AT_ITER': '8'})
    assert killed.returncode == -9, killed.stderr[-2000:]
    resumed = train_tool(cfg, *opts, extra=['--work-dir', broken, '--fast', '--resume'])
    assert 'Resuming epoch 3 at batch 3' in resumed.stdout + resumed.stderr
    a, b = (torch.load(osp.join(d, 'iter_9.pth'), weights_only=False) for d in (clean, broken))
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'rng_state'):
        assert_same_state(a[key], b[key], key)
    # The augmentation really is random: the standard runtime's crops give other weights.
    standard = str(tmp_path / 'standard')
    train_tool(cfg, *opts, extra=['--work-dir', standard])
    other = torch.load(osp.join(standard, 'iter_9.pth'), weights_only=False)['state_dict']
    assert any(not torch.equal(other[k], v) for k, v in a['state_dict'].items()
               if v.is_floating_point())


def test_a_nan_stops_at_the_sync_point_naming_its_iteration_before_any_checkpoint(
        train_tool, tmp_path, tiny_cifar100_root):
    cfg = config_with_faults(tmp_path, VANILLA)
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + [
        'default_hooks.logger.interval=3', *MID_EPOCH]
    work = str(tmp_path / 'nan')
    failed = train_tool(cfg, *opts, extra=['--work-dir', work, '--fast'], check=False,
                        env={'SOKD_NAN_AT_ITER': '5'})
    last = failed.stderr.strip().splitlines()[-1]
    assert failed.returncode == 1 and last.startswith('Error: Non-finite loss at iteration 5 ')
    # Iteration 5 is read at the sync point of iteration 6 (end of epoch 2), before the
    # checkpoint hook of iteration 6 runs: iter_4.pth is the last one written.
    assert 'Last good checkpoint: ' in last and last.rstrip().split('iter_')[-1][0] == '4'
    assert osp.exists(osp.join(work, 'iter_4.pth'))
    assert not osp.exists(osp.join(work, 'iter_6.pth'))


def test_sokd_trains_through_the_fast_runtime(train_tool, tmp_path, tiny_cifar100_root,
                                              resnet56_ckpt):
    """SoKD's policy search (its own optimizer, functional calls on the batch) runs on the
    device-resident batches and checkpoints its policy."""
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=2) + [
        f'model.teacher_ckpt={resnet56_ckpt}', 'model.search_epochs=1']
    work = str(tmp_path / 'sokd')
    done = train_tool(osp.join(REPO, 'configs/sokd/sokd_fitnet_r56_r20_cifar100.py'), *opts,
                      extra=['--work-dir', work, '--fast'])
    # the model prepared itself for the loop (prepare_device_loop)
    assert "1 SoKD augmenter(s) draw on the device (sampling='device')." in \
        done.stdout + done.stderr
    ckpt = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)
    assert any('augmenters' in k for k in ckpt['state_dict'])
    assert all(torch.isfinite(v).all() for v in ckpt['state_dict'].values()
               if v.is_floating_point())


def _cfg(path: str) -> Config:
    return Config.fromfile(osp.join(REPO, path))


def test_apply_fast_runtime_switches_loop_workers_and_precision():
    cfg = apply_fast_runtime(_cfg('configs/kd/kd_r56_r20_cifar100.py'), bf16=True)
    assert cfg.train_cfg.type == 'DeviceResidentTrainLoop' and cfg.train_cfg.max_epochs == 240
    assert cfg.train_dataloader.num_workers == 0
    assert cfg.default_hooks.runtime_info.type == 'DeferredRuntimeInfoHook'
    assert cfg.optim_wrapper.type == 'BF16OptimWrapper'
    sokd = apply_fast_runtime(_cfg('configs/sokd/sokd_fitnet_r56_r20_cifar100.py'), bf16=True)
    assert sokd.optim_wrapper.type == 'BF16OptimWrapper'
    assert 'type' not in (sokd.optim_wrapper.get('policy') or {})
    fp32 = apply_fast_runtime(_cfg('configs/kd/kd_r56_r20_cifar100.py'), bf16=False)
    assert fp32.optim_wrapper.get('type', 'OptimWrapper') == 'OptimWrapper'


def test_apply_fast_runtime_refuses_iteration_loops_and_a_second_amp_wrapper():
    cfg = _cfg('configs/kd/kd_r56_r20_cifar100.py')
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=10)
    with pytest.raises(ConfigError, match='epoch-based training'):
        apply_fast_runtime(cfg, bf16=False)
    cfg = _cfg('configs/kd/kd_r56_r20_cifar100.py')
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    with pytest.raises(ConfigError, match='drop --amp'):
        apply_fast_runtime(cfg, bf16=True)


def test_fast_with_an_unsupported_transform_is_one_error_line(train_tool, tmp_path,
                                                               tiny_cifar100_root):
    """A transform the device cannot reproduce is named before training starts."""
    config = with_train_pipeline(tmp_path, VANILLA, "[dict(type='mmpretrain.ColorJitter', "
                                 "brightness=0.2), dict(type='mmpretrain.PackInputs')]")
    failed = train_tool(config, *small_cifar_options(tiny_cifar100_root),
                        extra=['--work-dir', str(tmp_path), '--fast'], check=False)
    last = failed.stderr.strip().splitlines()[-1]
    assert failed.returncode == 1 and last.startswith('Error: ') and 'ColorJitter' in last


def test_compiled_teacher_feeds_the_recorders_and_trains_the_same(train_tool, tmp_path,
                                                                 tiny_cifar100_root,
                                                                 resnet56_ckpt):
    """FitNet reads the teacher's stage-2 feature through a recorder hook on a submodule:
    traced by torch.compile (dynamo, eager backend here) the hint still arrives, and the run
    ends where the uncompiled one does."""
    config = osp.join(REPO, 'configs/fitnet/fitnet_r56_r20_cifar100.py')
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=1) + [
        f'model.teacher_ckpt={resnet56_ckpt}', 'randomness.deterministic=True']
    plain, compiled = str(tmp_path / 'plain'), str(tmp_path / 'compiled')
    train_tool(config, *opts, extra=['--work-dir', plain, '--fast'])
    log = train_tool(config, *opts, 'train_cfg.compile_teacher.backend=eager',
                     extra=['--work-dir', compiled, '--fast'])
    assert "Teacher forward compiled: torch.compile({'backend': 'eager'})" in log.stdout
    a, b = (torch.load(osp.join(d, 'epoch_1.pth'), weights_only=False) for d in (plain, compiled))
    assert_same_state(a['state_dict'], b['state_dict'], 'state_dict')
    assert _losses(plain) == _losses(compiled)
    assert any('loss_hint' in k or 'loss_fitnet' in k or 'distill' in k
               for k in _losses(compiled)[0])


@pytest.mark.parametrize('parent', ['configs/kd/kd_r56_r20_cifar100.py',
                                    'configs/sokd/sokd_fitnet_r56_r20_cifar100.py'])
def test_shipped_fast_configs_are_their_parents_with_fast(parent):
    """A child config naming the loop is what --fast makes of its parent on a GPU."""
    child = _cfg(parent.replace('.py', '_fast.py'))
    made = apply_fast_runtime(_cfg(parent), bf16=True)
    for key in ('train_cfg', 'train_dataloader', 'optim_wrapper', 'model', 'default_hooks'):
        assert child[key].to_dict() == made[key].to_dict(), key


def test_hooks_receive_each_iterations_outputs_logged_once(train_tool, tmp_path,
                                                          tiny_cifar100_root):
    """Under --fast a third-party hook gets every iteration's outputs (device tensors), as in
    mmengine's loops, and each loss is still logged once per iteration (by the loop)."""
    work = tmp_path / 'w'
    work.mkdir()
    cfg = tmp_path / 'probed.py'
    cfg.write_text(f"_base_ = ['{REPO}/configs/vanilla/resnet8_cifar100.py']\n"
                   "custom_imports = dict(imports=['sokd_mm', 'outputs_probe_hook'])\n"
                   f"custom_hooks = [dict(type='OutputsProbeHook', out_dir='{work}')]\n")
    train_tool(str(cfg), *small_cifar_options(tiny_cifar100_root, batch=16, epochs=1),
               extra=['--work-dir', str(work), '--fast'])
    seen = json.load(open(work / 'outputs_seen.json'))
    assert seen == [{'loss': True}] * 3  # 48 images in batches of 16
    logged = [json.loads(line) for p in glob.glob(str(work / '*' / 'vis_data' / 'scalars.json'))
              for line in open(p) if '"loss"' in line]
    assert [r['iter'] for r in logged] == [1, 2, 3]
