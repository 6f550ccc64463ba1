"""Exact resume: a run SIGKILLed mid-epoch and continued with ``--resume`` ends bit-identical
to the uninterrupted run (weights, optimizers, schedulers, SoTeacher ensemble, SoKD policy and
its optimizer, RNG streams, data order), for a vanilla, a KD, a SoTeacher and a SoKD config."""
import os.path as osp

import pytest
import torch

from tests.conftest import (PYTHON, REPO, assert_same_state, config_with_faults, run_tool,
                            small_cifar_options)

CASES = {
    'vanilla': ('configs/vanilla/resnet8_cifar100.py', []),
    'kd': ('configs/kd/kd_r56_r20_cifar100.py', ['teacher']),
    'soteacher': ('configs/soteacher/soteacher_resnet56_cifar100.py',
                  ['model.soteacher_loss.num_samples=48']),
    # The kill falls inside SoKD's policy search (search_epochs=3 of 3).
    'sokd': ('configs/sokd/sokd_fitnet_r56_r20_cifar100.py',
             ['teacher', 'model.search_epochs=3']),
}


# Checkpoints every 2 iterations: the kill after iteration 8 leaves iter_8.pth, 2 batches into
# epoch 3, and the resumed run must skip exactly those (ResumableEpochBasedTrainLoop).
MID_EPOCH = ['default_hooks.checkpoint.by_epoch=False', 'default_hooks.checkpoint.interval=2']
MID_EPOCH_CASES = {
    'vanilla': CASES['vanilla'],
    # SoTeacher's ensemble is half-updated for the epoch at the checkpoint.
    'soteacher': CASES['soteacher'],
}


def _compare(a: dict, b: dict) -> None:
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'rng_state'):
        assert_same_state(a[key], b[key], key)
    assert a['meta']['epoch'] == b['meta']['epoch'] and a['meta']['iter'] == b['meta']['iter']


@pytest.mark.parametrize('case', sorted(CASES))
def test_sigkill_mid_epoch_then_resume_is_bit_identical(case, train_tool, tmp_path,
                                                        tiny_cifar100_root, resnet56_ckpt):
    config, extras = CASES[case]
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + [
        'randomness.deterministic=True']
    opts += [o for o in extras if o != 'teacher']
    if 'teacher' in extras:
        opts.append(f'model.teacher_ckpt={resnet56_ckpt}')
    cfg = config_with_faults(tmp_path, osp.join(REPO, config))

    clean = str(tmp_path / 'clean')
    train_tool(cfg, *opts, extra=['--work-dir', clean])

    broken = str(tmp_path / 'broken')
    # 3 iterations per epoch: iteration 8 is the middle of epoch 3.
    killed = train_tool(cfg, *opts, extra=['--work-dir', broken], check=False,
                        env={'SOKD_KILL_AT_ITER': '8'})
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert not osp.exists(osp.join(broken, 'epoch_3.pth'))
    resumed = train_tool(cfg, *opts, extra=['--work-dir', broken, '--resume'])
    assert 'resumed epoch: 2' in resumed.stdout + resumed.stderr

    _compare(torch.load(osp.join(clean, 'epoch_3.pth'), weights_only=False),
             torch.load(osp.join(broken, 'epoch_3.pth'), weights_only=False))


@pytest.mark.parametrize('case', sorted(MID_EPOCH_CASES))
def test_resume_from_a_mid_epoch_checkpoint_is_bit_identical(case, train_tool, tmp_path,
                                                             tiny_cifar100_root):
    config, extras = MID_EPOCH_CASES[case]
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + [
        'randomness.deterministic=True', *extras, *MID_EPOCH]
    cfg = config_with_faults(tmp_path, osp.join(REPO, config))
    clean = str(tmp_path / 'clean')
    train_tool(cfg, *opts, extra=['--work-dir', clean])
    broken = str(tmp_path / 'broken')
    killed = train_tool(cfg, *opts, extra=['--work-dir', broken], check=False,
                        env={'SOKD_KILL_AT_ITER': '8'})
    assert killed.returncode == -9, killed.stderr[-2000:]
    resumed = train_tool(cfg, *opts, extra=['--work-dir', broken, '--resume'])
    log = resumed.stdout + resumed.stderr
    assert 'resumed epoch: 2, iter: 8' in log and 'Resuming epoch 3 at batch 3' in log, log[-3000:]
    _compare(torch.load(osp.join(clean, 'iter_9.pth'), weights_only=False),
             torch.load(osp.join(broken, 'iter_9.pth'), weights_only=False))


def test_two_process_run_killed_and_resumed_is_bit_identical(tmp_path, tiny_cifar100_root):
    """DDP: each rank's RNG states are gathered into the checkpoint and given back per rank."""
    opts = small_cifar_options(tiny_cifar100_root, batch=8, epochs=3) + [
        'randomness.deterministic=True']
    cfg = config_with_faults(tmp_path, osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'))

    def dist_train(work: str, port: int, env: dict = None, extra=(), check=True):
        return run_tool(['bash', osp.join(REPO, 'tools', 'dist_train.sh'), cfg, '2',
                         '--work-dir', work, *extra, '--cfg-options', *opts],
                        env={'PYTHON': PYTHON, 'PORT': str(port), **(env or {})}, check=check)

    clean, broken = str(tmp_path / 'clean'), str(tmp_path / 'broken')
    dist_train(clean, 29661)
    # 48 images, 2 ranks x 8: 3 iterations per epoch; both ranks die after iteration 8.
    killed = dist_train(broken, 29662, env={'SOKD_KILL_AT_ITER': '8'}, check=False)
    assert killed.returncode != 0 and not osp.exists(osp.join(broken, 'epoch_3.pth'))
    resumed = dist_train(broken, 29663, extra=['--resume'])
    assert 'resumed epoch: 2' in resumed.stdout + resumed.stderr
    a = torch.load(osp.join(clean, 'epoch_3.pth'), weights_only=False)
    b = torch.load(osp.join(broken, 'epoch_3.pth'), weights_only=False)
    _compare(a, b)
    assert len(a['rng_state']) == 2
