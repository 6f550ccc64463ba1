"""The command-line tools end to end on generated CIFAR-format data: train, validate,
checkpoint, resume; KD and FitNet; 2-process CPU DDP through dist_train.sh."""
import glob
import json
import os.path as osp

import torch

from tests.conftest import (PYTHON, REPO, dist_train_rank_weights, run_tool,
                            small_cifar_options)


def _scalars(work_dir: str) -> list:
    path = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    assert path, f'no scalars.json in {work_dir}'
    return [json.loads(line) for p in path for line in open(p)]


def test_vanilla_teacher_trains_validates_and_checkpoints(train_tool, tmp_path):
    work = str(tmp_path / 'teacher')
    proc = train_tool(f'{REPO}/configs/vanilla/resnet8_digits.py', 'train_cfg.max_epochs=1',
                      'train_cfg.val_interval=1', extra=['--work-dir', work])
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    assert 'accuracy/top1' in proc.stdout + proc.stderr
    assert any('accuracy/top1' in s for s in _scalars(work))


def test_fitnet_trains_checkpoints_and_resumes(train_tool, tmp_path, cifar100_root,
                                               resnet56_ckpt):
    work = str(tmp_path / 'fitnet')
    cfg = f'{REPO}/configs/fitnet/fitnet_r56_r20_cifar100.py'
    opts = small_cifar_options(cifar100_root) + [f'model.teacher_ckpt={resnet56_ckpt}']
    train_tool(cfg, *opts, extra=['--work-dir', work])
    first = torch.load(osp.join(work, 'epoch_1.pth'), weights_only=False)
    assert first['meta']['epoch'] == 1
    assert any('distill.loss_hint' in s for s in _scalars(work))
    assert any('teacher.accuracy/top1' in s for s in _scalars(work))

    opts2 = [o for o in opts if not o.startswith('train_cfg.max_epochs')]
    proc = train_tool(cfg, *opts2, 'train_cfg.max_epochs=2',
                      extra=['--work-dir', work, '--resume', '--allow-change',
                             'train_cfg.max_epochs'])
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 1' in log, log[-2000:]
    second = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)
    assert second['meta']['epoch'] == 2
    # The teacher is read-only: its weights in the checkpoint equal the loaded file.
    teacher = torch.load(resnet56_ckpt)['state_dict']
    for k, v in teacher.items():
        if 'num_batches_tracked' not in k:
            assert torch.equal(second['state_dict']['teacher.' + k], v), k


def test_kd_config_trains(train_tool, tmp_path, cifar100_root, resnet56_ckpt):
    work = str(tmp_path / 'kd')
    train_tool(f'{REPO}/configs/kd/kd_r56_r20_cifar100.py', *small_cifar_options(cifar100_root),
               f'model.teacher_ckpt={resnet56_ckpt}', extra=['--work-dir', work])
    scalars = _scalars(work)
    assert any('distill.loss_kd' in s for s in scalars)
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))


def test_dist_train_two_cpu_processes_keep_identical_students(tmp_path, cifar100_root,
                                                              resnet56_ckpt):
    opts = small_cifar_options(cifar100_root, batch=8) + [f'model.teacher_ckpt={resnet56_ckpt}']
    r0, r1 = dist_train_rank_weights(
        tmp_path, f'{REPO}/configs/fitnet/fitnet_r56_r20_cifar100.py', opts)
    init = torch.load(resnet56_ckpt)['state_dict']
    student = [k for k in r0 if k.startswith('architecture.') and 'weight' in k]
    assert student
    for k in r0:
        # BN running statistics are per rank (no SyncBN); every parameter is synchronised.
        if 'running_' in k or 'num_batches_tracked' in k:
            continue
        assert torch.equal(r0[k], r1[k]), k
    assert torch.equal(r0['teacher.head.fc.weight'], init['head.fc.weight'])


def test_test_tool_evaluates_a_checkpoint(train_tool, tmp_path):
    work = str(tmp_path / 'r8')
    train_tool(f'{REPO}/configs/vanilla/resnet8_digits.py', 'train_cfg.max_epochs=1',
               extra=['--work-dir', work])
    out = tmp_path / 'metrics.pkl'
    proc = run_tool([PYTHON, f'{REPO}/tools/test.py', f'{REPO}/configs/vanilla/resnet8_digits.py',
                     osp.join(work, 'epoch_1.pth'), '--work-dir', str(tmp_path / 't'),
                     '--out', str(out)])
    assert "'accuracy/top1'" in proc.stdout
    assert osp.getsize(out) > 0
