"""Exact resume: a run SIGKILLed mid-epoch and continued with ``--resume`` ends bit-identical
to the uninterrupted run (weights, optimizers, schedulers, SoTeacher ensemble, SoKD policy and
its optimizer, RNG streams, data order), for a vanilla, a SoTeacher and a SoKD config."""
import os.path as osp

import pytest
import torch

from tests.conftest import (REPO, assert_same_state, config_with_faults,
                            run_distributed, small_cifar_options)

CASES = {
    'vanilla': ('configs/vanilla/resnet8_cifar100.py', []),
    # (KD's state is its student's, as SoKD's below plus its policy: one distiller case)
    'soteacher': ('configs/soteacher/soteacher_resnet56_cifar100.py',
                  ['model.soteacher_loss.num_samples=48']),
    # Search in epochs 1-2, then epoch 3 after it: the SIGKILL after iteration 8 falls after
    # the search, test_preemption's SIGTERM in iteration 5 inside it (both runtimes there).
    'sokd': ('configs/sokd/sokd_fitnet_r56_r20_cifar100.py',
             ['teacher', 'model.search_epochs=2']),
}


# Checkpoints every 2 iterations: the kill after iteration 8 leaves iter_8.pth, 2 batches into
# epoch 3, and the resumed run must skip exactly those (ResumableEpochBasedTrainLoop).
MID_EPOCH = ['default_hooks.checkpoint.by_epoch=False', 'default_hooks.checkpoint.interval=2']
MID_EPOCH_CASES = {
    # (the plain vanilla case is this one's skip without workers: one case)
    # 2 dataloader workers: their per-epoch seeds must be recreated for the interrupted epoch.
    'vanilla_2_workers': (CASES['vanilla'][0], ['train_dataloader.num_workers=2']),
    # SoTeacher's ensemble is half-updated for the epoch at the checkpoint.
    'soteacher': CASES['soteacher'],
}


def _compare(a: dict, b: dict) -> None:
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'rng_state'):
        assert_same_state(a[key], b[key], key)
    assert a['meta']['epoch'] == b['meta']['epoch'] and a['meta']['iter'] == b['meta']['iter']


def _clean_killed_resumed(train_tool, tmp_path, config: str, opts: list,
                          uninterrupted=None) -> tuple:
    """Run ``config`` uninterrupted (or take the session's run of it), and again SIGKILLed
    after iteration 8 (3 iterations per epoch: the middle of epoch 3) then resumed; return
    both work dirs and the resumed log."""
    cfg = config_with_faults(tmp_path, osp.join(REPO, config))
    clean, broken = str(tmp_path / 'clean'), str(tmp_path / 'broken')
    if uninterrupted is not None:
        clean = uninterrupted(config, opts)
    else:
        train_tool(cfg, *opts, extra=['--work-dir', clean])
    killed = train_tool(cfg, *opts, extra=['--work-dir', broken], check=False,
                        env={'SOKD_KILL_AT_ITER': '8'})
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert not osp.exists(osp.join(broken, 'epoch_3.pth'))
    resumed = train_tool(cfg, *opts, extra=['--work-dir', broken, '--resume'])
    return clean, broken, resumed.stdout + resumed.stderr


def _compare_files(clean: str, broken: str, name: str) -> None:
    _compare(torch.load(osp.join(clean, name), weights_only=False),
             torch.load(osp.join(broken, name), weights_only=False))


@pytest.mark.parametrize('case', sorted(CASES))
def test_sigkill_mid_epoch_then_resume_is_bit_identical(case, train_tool, tmp_path,
                                                        tiny_cifar100_root, resnet56_ckpt,
                                                        uninterrupted_run):
    config, extras = CASES[case]
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + [
        'randomness.deterministic=True']
    opts += [o for o in extras if o != 'teacher']
    if 'teacher' in extras:
        opts.append(f'model.teacher_ckpt={resnet56_ckpt}')
    clean, broken, log = _clean_killed_resumed(train_tool, tmp_path, config, opts,
                                               uninterrupted_run)
    assert 'resumed epoch: 2' in log
    _compare_files(clean, broken, 'epoch_3.pth')


@pytest.mark.parametrize('case', sorted(MID_EPOCH_CASES))
def test_resume_from_a_mid_epoch_checkpoint_is_bit_identical(case, train_tool, tmp_path,
                                                             tiny_cifar100_root):
    config, extras = MID_EPOCH_CASES[case]
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + [
        'randomness.deterministic=True', *extras, *MID_EPOCH]
    clean, broken, log = _clean_killed_resumed(train_tool, tmp_path, config, opts)
    assert 'resumed epoch: 2, iter: 8' in log and 'Resuming epoch 3 at batch 3' in log, log[-3000:]
    _compare_files(clean, broken, 'iter_9.pth')


def test_two_process_run_killed_and_resumed_is_bit_identical(tmp_path, tiny_cifar100_root):
    """DDP: each rank's RNG states are gathered into the checkpoint and given back per rank."""
    opts = small_cifar_options(tiny_cifar100_root, batch=8, epochs=3) + [
        'randomness.deterministic=True']
    cfg = config_with_faults(tmp_path, osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'))

    def dist_train(work: str, env: dict = None, extra=(), check=True):
        return run_distributed(['bash', osp.join(REPO, 'tools', 'dist_train.sh'), cfg, '2',
                                '--work-dir', work, *extra, '--cfg-options', *opts],
                               env=env, check=check)

    clean, broken = str(tmp_path / 'clean'), str(tmp_path / 'broken')
    dist_train(clean)
    # 48 images, 2 ranks x 8: 3 iterations per epoch; both ranks die after iteration 8 (no
    # restart: the manual --resume is what this test is about)
    killed = dist_train(broken, env={'SOKD_KILL_AT_ITER': '8', 'MAX_RESTARTS': '0'},
                        check=False)
    assert killed.returncode != 0 and not osp.exists(osp.join(broken, 'epoch_3.pth'))
    resumed = dist_train(broken, extra=['--resume'])
    assert 'resumed epoch: 2' in resumed.stdout + resumed.stderr
    _compare_files(clean, broken, 'epoch_3.pth')
    assert len(torch.load(osp.join(clean, 'epoch_3.pth'), weights_only=False)['rng_state']) == 2


def test_batch_size_change_on_resume(train_tool, tmp_path, tiny_cifar100_root):
    """An epoch-end checkpoint resumes with another batch size from the next epoch's first batch;
    a mid-epoch one refuses it with a message instead of skipping the wrong batches."""
    cfg = config_with_faults(tmp_path, osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'))
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=2)
    work = str(tmp_path / 'epoch_end')
    train_tool(cfg, *opts, extra=['--work-dir', work])
    resumed = train_tool(cfg, *opts, 'train_cfg.max_epochs=3', 'train_dataloader.batch_size=24',
                         extra=['--work-dir', work, '--resume', '--allow-change',
                                'train_cfg.max_epochs', 'train_dataloader.batch_size'])
    log = resumed.stdout + resumed.stderr
    assert 'resumed epoch: 2' in log and 'Resuming epoch' not in log
    assert torch.load(osp.join(work, 'epoch_3.pth'), weights_only=False)['meta']['iter'] == 8

    work = str(tmp_path / 'mid_epoch')
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=3) + MID_EPOCH
    train_tool(cfg, *opts, extra=['--work-dir', work], check=False, env={'SOKD_KILL_AT_ITER': '8'})
    refused = train_tool(cfg, *opts, 'train_dataloader.batch_size=48',
                         extra=['--work-dir', work, '--resume', '--allow-change',
                                'train_dataloader.batch_size'], check=False)
    assert refused.returncode == 1
    last = refused.stderr.strip().splitlines()[-1]
    assert 'after batch 2 of epoch 3' in last and 'with the data and batch size' in last


@pytest.mark.parametrize('fast', [False, True], ids=['standard', 'fast'])
def test_killed_between_the_last_checkpoint_and_its_validation_validates_on_resume(
        fast, train_tool, tmp_path, tiny_cifar100_root):
    """The final checkpoint is written before the final validation: a kill in between used to
    leave a run that, resumed, trained nothing and validated nothing (a matrix cell with no
    top-1). The resumed run now validates the epoch it resumed at."""
    cfg = config_with_faults(tmp_path, osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'))
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=2)
    work = str(tmp_path / 'w')
    flags = ['--work-dir', work] + (['--fast'] if fast else [])
    killed = train_tool(cfg, *opts, extra=flags, check=False, env={'SOKD_KILL_AFTER_EPOCH': '2'})
    assert killed.returncode == -9 and osp.isfile(osp.join(work, 'epoch_2.pth'))
    assert 'Epoch(val) [2]' not in killed.stdout + killed.stderr
    resumed = train_tool(cfg, *opts, extra=flags + ['--resume'])
    log = resumed.stdout + resumed.stderr
    assert 'Validating epoch 2, whose checkpoint this run resumed from' in log
    assert 'Epoch(val) [2]' in log and 'Epoch(train)' not in log
