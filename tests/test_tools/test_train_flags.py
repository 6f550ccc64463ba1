"""tools/train.py: --amp configures mixed precision on the right optimizer (SoKD's student)
or says that it needs a GPU; Ctrl-C ends with one line telling how to resume."""
import os
import os.path as osp
import shlex
import signal
import subprocess
import sys
import time

import pytest
from mmengine.config import Config

from tests.conftest import PYTHON, REPO, small_cifar_options

sys.path.insert(0, osp.join(REPO, 'tools'))
import train  # noqa: E402


@pytest.mark.parametrize('config,target', [
    ('configs/vanilla/resnet8_cifar100.py', lambda c: c.optim_wrapper),
    ('configs/sokd/sokd_fitnet_r56_r20_cifar100.py', lambda c: c.optim_wrapper),
])
def test_amp_goes_to_the_training_optimizer(monkeypatch, config, target):
    monkeypatch.setattr('torch.cuda.is_available', lambda: True)
    cfg = Config.fromfile(osp.join(REPO, config))
    train.enable_amp(cfg)
    assert target(cfg).type == 'AmpOptimWrapper' and target(cfg).loss_scale == 'dynamic'
    # SoKD: the policy search computes its gradients outside autocast, so AMP must not
    # reach the policy's wrapper.
    assert 'type' not in (cfg.optim_wrapper.get('policy') or {})


def test_amp_without_gpu_is_one_error(monkeypatch):
    monkeypatch.setattr('torch.cuda.is_available', lambda: False)
    cfg = Config.fromfile(osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'))
    with pytest.raises(SystemExit, match='--amp needs a CUDA GPU'):
        train.enable_amp(cfg)


def test_ctrl_c_checkpoints_the_iteration_and_says_how_to_resume(tmp_path, cifar100_root):
    work = str(tmp_path / 'w')
    cmd = [PYTHON, osp.join(REPO, 'tools', 'train.py'),
           osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'), '--work-dir', work,
           '--cfg-options', *small_cifar_options(cifar100_root, batch=8, epochs=1000)]
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    # Output to files, not pipes: an unread pipe fills up and blocks the training process.
    with open(tmp_path / 'out.txt', 'w') as out, open(tmp_path / 'err.txt', 'w') as errf:
        # SIGINT as a terminal delivers it: a suite started in the background (`cmd &`) runs
        # with SIGINT ignored, which children inherit and Python then keeps ignoring.
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=errf, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        # Interrupt once a checkpoint exists (older ones are pruned: watch the pointer).
        pointer = osp.join(work, 'last_checkpoint')
        deadline = time.time() + 600
        while not os.path.isfile(pointer) and time.time() < deadline:
            assert proc.poll() is None, open(tmp_path / 'err.txt').read()[-3000:]
            time.sleep(0.2)
        assert os.path.isfile(pointer), 'no epoch finished in time'
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    err = open(tmp_path / 'err.txt').read()
    assert proc.returncode == 75 and 'Traceback' not in err, err[-3000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith('Stopped on SIGINT after iteration') and \
        f'--work-dir {work} --cfg-options' in last and last.endswith(' --resume'), last
    saved = last.split('; saved ', 1)[1].split('.pth', 1)[0] + '.pth'
    assert osp.join(work, open(pointer).read().strip()) == saved and os.path.isfile(saved)


def test_no_validate_and_print_config(train_tool, tmp_path, cifar100_root):
    from tests.conftest import run_tool
    work = str(tmp_path / 'w')
    proc = train_tool(osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'),
                      *small_cifar_options(cifar100_root, batch=50),
                      extra=['--work-dir', work, '--no-validate'])
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    assert 'Epoch(val)' not in proc.stdout + proc.stderr
    out = run_tool([PYTHON, osp.join(REPO, 'tools', 'misc', 'print_config.py'),
                    osp.join(REPO, 'configs/kd/kd_r56_r20_cifar100.py'), '--cfg-options',
                    'train_cfg.max_epochs=7', '--save-path', str(tmp_path / 'resolved.py')])
    assert 'max_epochs=7' in out.stdout and "type='StrictTeacherDistill'" in out.stdout
    assert Config.fromfile(str(tmp_path / 'resolved.py')).train_cfg.max_epochs == 7


def test_the_resume_command_repeats_the_run_and_resumes_its_latest_checkpoint(monkeypatch):
    monkeypatch.delenv('WORLD_SIZE', raising=False)
    monkeypatch.setattr('sys.argv', ['tools/train.py'])
    argv = ['c.py', '--work-dir', 'w w', '--resume', 'w w/epoch_1.pth', '--fast',
            '--cfg-options', 'model.teacher_ckpt=t.pth', 'train_cfg.max_epochs=3']
    assert train.resume_command(argv) == ("python tools/train.py c.py --work-dir 'w w' --fast "
                                          '--cfg-options model.teacher_ckpt=t.pth '
                                          'train_cfg.max_epochs=3 --resume')
    assert train.resume_command(['c.py', '--resume=auto']) == \
        'python tools/train.py c.py --resume'
    # started by dist_train.sh (torchrun sets WORLD_SIZE): the same launcher again
    monkeypatch.setenv('WORLD_SIZE', '4')
    assert train.resume_command(['c.py', '--launcher', 'pytorch', '--local-rank=0', '--fast']) \
        == 'bash tools/dist_train.sh c.py 4 --fast --resume'
    args = train.parse_args(shlex.split(train.resume_command(argv))[2:])
    assert args.resume == 'auto' and args.fast and args.work_dir == 'w w'
