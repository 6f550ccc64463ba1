"""Preemption: a stop signal (SIGTERM, SIGUSR1, Ctrl-C) costs at most the iteration it arrives
in. The run checkpoints that iteration, prints the command that continues it and exits 75; the
printed command, run as is, ends bit-identical to an uninterrupted run, for a SoKD config (the
signal inside its policy search) in the fast and the standard runtime, a vanilla one on SIGUSR1,
and in a 2-process job signalled on one rank only. A killed rank restarts the job, which
ends bit-identical; with restarts off it ends the job quickly, the last complete checkpoint
intact. Resume refuses changed settings."""
import os
import os.path as osp
import shlex
import stat
import subprocess
import time

import pytest
import torch

from tests.conftest import (PYTHON, REPO, assert_same_state, config_with_faults,
                            run_distributed, run_tool, small_cifar_options)
from tests.test_tools.test_exact_resume import CASES

PREEMPTED = 75


def _same_run(clean: str, other: str, name: str = 'epoch_3.pth') -> None:
    a = torch.load(osp.join(clean, name), weights_only=False)
    b = torch.load(osp.join(other, name), weights_only=False)
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'rng_state'):
        assert_same_state(a[key], b[key], key)
    assert (a['meta']['epoch'], a['meta']['iter']) == (b['meta']['epoch'], b['meta']['iter'])


def _continue_command(stderr: str) -> list:
    """The command the stopped run printed, with this suite's interpreter."""
    lines = [line for line in stderr.splitlines() if 'Continue with: ' in line]
    assert len(lines) == 1, stderr[-3000:]  # one rank says it
    line = lines[0]
    command = shlex.split(line.split('Continue with: ', 1)[1])
    return [PYTHON if command[0] == 'python' else command[0], *command[1:]]


def _options(case: str, root: str, teacher: str) -> list:
    extras = CASES[case][1]
    opts = small_cifar_options(root, batch=16, epochs=3) + ['randomness.deterministic=True']
    opts += [o for o in extras if o != 'teacher']
    if 'teacher' in extras:
        opts.append(f'model.teacher_ckpt={teacher}')
    return opts


# The signal path is one hook, the same in both loops and for every method: it is proven here
# for the plain model and for SoKD inside its policy search (the richest state) under --fast,
# and SoKD in the standard loop. Each method's own state across a resume (KD, SoTeacher's
# ensemble) is proven by test_exact_resume (standard loop) and test_device_resident_loop
# (--fast).
@pytest.mark.parametrize('case, fast', [('sokd', True), ('sokd', False)],
                         ids=['sokd-fast', 'sokd-standard'])
def test_sigterm_mid_epoch_checkpoints_that_iteration_and_resumes_bit_identically(
        case, fast, train_tool, tmp_path, tiny_cifar100_root, resnet56_ckpt, uninterrupted_run):
    # 48 images in batches of 16: 3 iterations per epoch; the signal arrives during
    # iteration 5 (epoch 2, batch 2), inside SoKD's 2-epoch policy search; the continued run
    # then trains epoch 3 after the search.
    cfg = config_with_faults(tmp_path, osp.join(REPO, CASES[case][0]))
    opts = _options(case, tiny_cifar100_root, resnet56_ckpt)
    flags = ['--fast'] if fast else []
    # the same uninterrupted run as tests/test_tools/test_exact_resume.py's (standard runtime)
    clean = uninterrupted_run(CASES[case][0], opts, tuple(flags))
    stopped = str(tmp_path / 'stopped')
    # As tools/slurm_train.sh starts it: --resume=auto on an empty work dir starts afresh.
    first = train_tool(cfg, *opts, extra=['--work-dir', stopped, '--resume=auto', *flags],
                       check=False, env={'SOKD_SIGNAL_AT_ITER': '5:SIGTERM'})
    assert first.returncode == PREEMPTED, first.stderr[-3000:]
    assert 'holds no checkpoint yet; training starts from the beginning' in first.stdout
    assert 'Stopped on SIGTERM after iteration 5 (epoch 2, batch 2); saved' in first.stderr
    assert 'Traceback' not in first.stderr
    saved = torch.load(osp.join(stopped, 'iter_5.pth'), weights_only=False)
    assert saved['meta']['iter'] == 5 and saved['meta']['batch_in_epoch'] == 2
    assert not osp.exists(osp.join(stopped, 'epoch_2.pth'))
    command = _continue_command(first.stderr)
    assert command.count('--resume') == 1 and '--resume=auto' not in command
    assert ('--fast' in command) == fast and f'model.teacher_ckpt={resnet56_ckpt}' in command \
        or 'teacher' not in CASES[case][1]
    resumed = run_tool(command, env={'SOKD_SIGNAL_AT_ITER': ''})
    assert 'resumed epoch: 1, iter: 5' in resumed.stdout + resumed.stderr
    _same_run(clean, stopped)


def test_sigusr1_as_slurm_sends_it_stops_the_same_way(train_tool, tmp_path, tiny_cifar100_root):
    cfg = config_with_faults(tmp_path, osp.join(REPO, CASES['vanilla'][0]))
    opts = _options('vanilla', tiny_cifar100_root, '')
    clean, stopped = str(tmp_path / 'clean'), str(tmp_path / 'stopped')
    train_tool(cfg, *opts, extra=['--work-dir', clean, '--fast'])
    first = train_tool(cfg, *opts, extra=['--work-dir', stopped, '--fast'], check=False,
                       env={'SOKD_SIGNAL_AT_ITER': '4:SIGUSR1'})
    assert first.returncode == PREEMPTED
    assert 'Stopped on SIGUSR1 after iteration 4 (epoch 2, batch 1)' in first.stderr
    run_tool(_continue_command(first.stderr), env={'SOKD_SIGNAL_AT_ITER': ''})
    _same_run(clean, stopped)


def test_resume_with_a_changed_setting_is_refused_naming_it(train_tool, tmp_path,
                                                             tiny_cifar100_root):
    cfg = osp.join(REPO, CASES['vanilla'][0])
    opts = small_cifar_options(tiny_cifar100_root, batch=16, epochs=1)
    work = str(tmp_path / 'w')
    train_tool(cfg, *opts, extra=['--work-dir', work])
    refused = train_tool(cfg, *opts, 'train_cfg.max_epochs=2', 'optim_wrapper.optimizer.lr=0.5',
                         extra=['--work-dir', work, '--resume'], check=False)
    assert refused.returncode == 1 and 'Traceback' not in refused.stderr
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith('Error: --resume') and 'train_cfg.max_epochs: 1 in the checkpoint, ' \
        '2 now' in last and 'optim_wrapper.optimizer.lr: 0.05 in the checkpoint, 0.5 now' in last
    assert '--allow-change optim_wrapper.optimizer.lr train_cfg.max_epochs' in last
    # a cosmetic key (what is logged, not what is computed) needs no --allow-change
    allowed = train_tool(cfg, *opts, 'train_cfg.max_epochs=2', 'default_hooks.logger.interval=2',
                         extra=['--work-dir', work, '--resume', '--allow-change', 'train_cfg'])
    log = allowed.stdout + allowed.stderr
    assert 'Resuming with a changed setting: train_cfg.max_epochs: 1 -> 2' in log
    assert 'Resuming with a changed setting: default_hooks.logger.interval: 1 -> 2' in log
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))


def _dist_train(cfg: str, work: str, opts: list, env: dict = None, extra=(), check=True):
    return run_distributed(['bash', osp.join(REPO, 'tools', 'dist_train.sh'), cfg, '2',
                            '--work-dir', work, *extra, '--cfg-options', *opts],
                           env=env, check=check)


@pytest.fixture(scope='module')
def two_process_job(tmp_path_factory, tiny_cifar100_root):
    """The 2-process job of these tests (3 epochs of 3 iterations, deterministic, with the test
    faults hook) and its uninterrupted work dir."""
    root = tmp_path_factory.mktemp('two_process_job')
    opts = small_cifar_options(tiny_cifar100_root, batch=8, epochs=3) + [
        'randomness.deterministic=True']
    cfg = config_with_faults(root, osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'))
    clean = str(root / 'clean')
    _dist_train(cfg, clean, opts)
    return cfg, opts, clean


@pytest.mark.xdist_group('two_process_job')
def test_a_killed_process_restarts_the_job_which_ends_bit_identical(two_process_job, tmp_path):
    """SIGKILL of rank 1 in epoch 3 with restarts on (the default): torchrun restarts the job,
    which resumes from epoch 2's checkpoint by itself and ends bit-identical. Restarted
    processes used to hang on the dead attempt's addresses in torchrun's store."""
    cfg, opts, clean = two_process_job
    work = str(tmp_path / 'restarted')
    began = time.time()
    done = _dist_train(cfg, work, opts, env={'SOKD_KILL_AT_ITER': '8:1'})
    # a hang would last the 600 s gloo timeout; the job takes about 30 s
    assert time.time() - began < 300
    assert 'Restart 1 of the job' in done.stderr
    assert 'resumed epoch: 2, iter: 6' in done.stdout + done.stderr
    _same_run(clean, work)


@pytest.mark.xdist_group('two_process_job')
def test_two_processes_one_signalled_or_one_killed(two_process_job, tmp_path):
    """SIGTERM on rank 0 only: both ranks stop after the same iteration, one checkpoint, and
    the printed dist_train.sh command continues exactly, even when rank 1 leaves the last
    barrier 3 s ahead and has torchrun SIGTERM every rank (rank 0 used to die unheard).
    SIGKILL of rank 1 with restarts off: torchrun stops the job within a minute (no rank waits
    forever to agree), the last complete checkpoint is intact, and --resume continues
    exactly."""
    cfg, opts, clean = two_process_job
    stopped, ended = (str(tmp_path / n) for n in ('stopped', 'ended'))
    # 48 images, 2 ranks x 8: 3 iterations per epoch.
    first = _dist_train(cfg, stopped, opts, env={'SOKD_SIGNAL_AT_ITER': '5:SIGTERM:0',
                                                 'SOKD_SLOW_AFTER_BARRIER': '0:3'},
                        check=False)
    assert first.returncode != 0 and osp.isfile(osp.join(stopped, 'iter_5.pth'))
    assert 'Stopped on SIGTERM after iteration 5' in first.stderr
    command = _continue_command(first.stderr)
    assert command[:2] == ['bash', osp.join(REPO, 'tools', 'dist_train.sh')] and \
        command[3] == '2' and '--launcher' not in command
    run_distributed(command, env={'SOKD_SIGNAL_AT_ITER': ''})
    _same_run(clean, stopped)

    began = time.time()
    dead = _dist_train(cfg, ended, opts, env={'SOKD_KILL_AT_ITER': '8:1',
                                              'MAX_RESTARTS': '0'}, check=False)
    assert dead.returncode != 0 and time.time() - began < 60
    assert 'exitcode  : -9' in dead.stderr or 'Signal 9' in dead.stderr, dead.stderr[-3000:]
    assert osp.isfile(osp.join(ended, 'epoch_2.pth'))
    assert not osp.exists(osp.join(ended, 'epoch_3.pth'))
    _dist_train(cfg, ended, opts, extra=['--resume'])
    _same_run(clean, ended)


def _fake(bin_dir, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text('#!/usr/bin/env bash\n' + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize('in_sbatch', [False, True], ids=['srun', 'sbatch'])
def test_slurm_script_asks_for_the_signal_and_goes_on_after_a_preemption(tmp_path, in_sbatch):
    """tools/slurm_train.sh with a stand-in srun that is preempted once (exit 75): the signal
    is asked for ahead of the limit, every start resumes from the work dir, and the job goes
    on: requeued inside an sbatch job, started again otherwise. Other failures end it."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    log = tmp_path / 'calls.txt'
    _fake(bin_dir, 'srun', f'echo "srun $*" >> {log}\n'
          f'n=$(grep -c ^srun {log}); [ "$n" -eq 1 ] && exit 75; exit 0\n')
    _fake(bin_dir, 'scontrol', f'echo "scontrol $*" >> {log}\n')
    env = dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}', GPUS='2', GPUS_PER_NODE='2')
    env.pop('SLURM_JOB_ID', None)
    if in_sbatch:
        env['SLURM_JOB_ID'] = '4242'
    script = osp.join(REPO, 'tools', 'slurm_train.sh')
    done = subprocess.run(['bash', script, 'gpu', 'job', 'configs/x.py', 'work_dirs/x',
                           '--fast'], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    runs = [c for c in calls if c.startswith('srun')]
    assert all('--signal=USR1@120' in c and '--resume=auto --fast' in c for c in runs)
    if in_sbatch:
        assert len(runs) == 1 and calls[-1] == 'scontrol requeue 4242'
    else:
        assert len(runs) == 2 and not any(c.startswith('scontrol') for c in calls)
    _fake(bin_dir, 'srun', 'exit 3\n')
    failed = subprocess.run(['bash', script, 'gpu', 'job', 'configs/x.py', 'work_dirs/x'],
                            env=env, capture_output=True, text=True)
    assert failed.returncode == 3
