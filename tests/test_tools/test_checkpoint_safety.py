"""Crash-safe checkpoints and clear stops, through tools/train.py: a kill or a full disk while a
checkpoint is written never costs the previous one, ``--resume`` continues from the last
complete checkpoint, and a NaN loss stops the run naming the term, iteration and checkpoint."""
import glob
import os.path as osp

import torch

from tests.conftest import REPO, assert_same_state, config_with_faults, small_cifar_options

VANILLA = osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py')


def _opts(root: str, epochs: int = 3) -> list:
    # max_keep_ckpts=1: mmengine's own hook deletes the previous checkpoint before writing.
    return small_cifar_options(root, batch=16, epochs=epochs) + [
        'randomness.deterministic=True', 'default_hooks.checkpoint.max_keep_ckpts=1']


def test_kill_during_save_keeps_last_checkpoint_and_resume_finishes_exactly(
        train_tool, tmp_path, tiny_cifar100_root):
    cfg = config_with_faults(tmp_path, VANILLA)
    opts = _opts(tiny_cifar100_root)
    work = str(tmp_path / 'killed')
    proc = train_tool(cfg, *opts, extra=['--work-dir', work], check=False,
                      env={'SOKD_SAVE_FAULT': 'kill:epoch_2'})
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))
    survivor = torch.load(osp.join(work, 'epoch_1.pth'), weights_only=False)
    assert survivor['meta']['epoch'] == 1
    assert open(osp.join(work, 'last_checkpoint')).read().strip().endswith('epoch_1.pth')

    resumed = train_tool(cfg, *opts, extra=['--work-dir', work, '--resume'])
    assert 'resumed epoch: 1' in resumed.stdout + resumed.stderr
    assert not glob.glob(osp.join(work, '.*.part'))  # the half-written file was replaced
    clean = str(tmp_path / 'clean')
    train_tool(cfg, *opts, extra=['--work-dir', clean])
    a = torch.load(osp.join(clean, 'epoch_3.pth'), weights_only=False)
    b = torch.load(osp.join(work, 'epoch_3.pth'), weights_only=False)
    for key in ('state_dict', 'optimizer', 'rng_state'):
        assert_same_state(a[key], b[key], key)


def test_disk_full_during_save_stops_with_message_and_keeps_checkpoint(
        train_tool, tmp_path, tiny_cifar100_root):
    cfg = config_with_faults(tmp_path, VANILLA)
    work = str(tmp_path / 'full')
    proc = train_tool(cfg, *_opts(tiny_cifar100_root), extra=['--work-dir', work], check=False,
                      env={'SOKD_SAVE_FAULT': 'enospc:epoch_2'})
    assert proc.returncode == 1
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith('Error: Saving checkpoint') and 'No space left on device' in message
    assert f'Last complete checkpoint: {osp.join(work, "epoch_1.pth")}' in message
    assert 'Traceback' not in proc.stderr
    assert not glob.glob(osp.join(work, '.*.part')) and not osp.exists(
        osp.join(work, 'epoch_2.pth'))
    assert torch.load(osp.join(work, 'epoch_1.pth'), weights_only=False)['meta']['epoch'] == 1


def test_nan_loss_stops_naming_term_iteration_and_last_checkpoint(
        train_tool, tmp_path, tiny_cifar100_root, resnet56_ckpt):
    cfg = config_with_faults(tmp_path, osp.join(REPO, 'configs/kd/kd_r56_r20_cifar100.py'))
    work = str(tmp_path / 'nan')
    # 3 iterations per epoch: iteration 5 is in epoch 2; only the teacher becomes NaN, so the
    # distillation term is the one to blame while the student's own loss stays finite.
    proc = train_tool(cfg, *_opts(tiny_cifar100_root), f'model.teacher_ckpt={resnet56_ckpt}',
                      extra=['--work-dir', work], check=False, env={'SOKD_NAN_AT_ITER': '5'})
    assert proc.returncode == 1, proc.stderr[-2000:]
    message = proc.stderr.strip().splitlines()[-1]
    assert 'Non-finite loss at iteration 5 (epoch 2, batch 2)' in message
    assert 'distill.loss_kd=nan' in message and 'loss_cls' not in message
    assert f'Last good checkpoint: {osp.join(work, "epoch_1.pth")}' in message
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))
    assert open(osp.join(work, 'last_checkpoint')).read().strip().endswith('epoch_1.pth')


def test_unwritable_work_dir_is_refused_before_training(train_tool, tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('not a folder')
    proc = train_tool(VANILLA, extra=['--work-dir', str(blocker / 'run')], check=False)
    assert proc.returncode == 1
    assert 'is not writable' in proc.stderr and '--work-dir' in proc.stderr
    assert 'Traceback' not in proc.stderr


def _damage(path: str, how: str) -> None:
    import os
    data = bytearray(open(path, 'rb').read())
    if how == 'truncated':
        data = data[:len(data) // 2]
    elif how == 'random':
        data = bytearray(os.urandom(len(data)))
    else:  # 'crc': the zip directory intact, 256 bytes of a tensor record rewritten
        data[len(data) // 2:len(data) // 2 + 256] = b'\xff' * 256
    open(path, 'wb').write(bytes(data))


def test_damaged_checkpoints_are_named_skipped_or_refused_never_used(
        train_tool, tmp_path, tiny_cifar100_root):
    """--resume passes over a damaged newest checkpoint (truncated, random bytes, or a record
    whose CRC fails) saying which and why, and the run ends bit-identical to an uninterrupted
    one; a damaged file given to --resume, or a work dir whose every checkpoint is damaged, is
    refused with one line and nothing is overwritten."""
    import shutil
    opts = _opts(tiny_cifar100_root, epochs=2) + ['default_hooks.checkpoint.max_keep_ckpts=2']
    clean = str(tmp_path / 'clean')
    train_tool(VANILLA, *opts, extra=['--work-dir', clean])
    for how in ('truncated', 'random', 'crc'):
        work = str(tmp_path / how)
        shutil.copytree(clean, work)
        _damage(osp.join(work, 'epoch_2.pth'), how)
        if how == 'crc':
            proc = train_tool(VANILLA, *opts, check=False,
                              extra=['--work-dir', work, '--resume', osp.join(work, 'epoch_2.pth')])
            assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
            assert proc.stderr.strip().splitlines()[-1].startswith(
                f'Error: --resume {osp.join(work, "epoch_2.pth")}: the checkpoint is damaged: '
                'its record')
    work = str(tmp_path / 'crc')  # the copied work dir resumes from its own epoch_1.pth
    resumed = train_tool(VANILLA, *opts, extra=['--work-dir', work, '--resume'])
    assert f'--resume: skipping {osp.join(work, "epoch_2.pth")}: named by last_checkpoint, ' \
           'damaged: its record' in resumed.stderr
    assert f'continuing from {osp.join(work, "epoch_1.pth")}' in resumed.stderr
    a = torch.load(osp.join(clean, 'epoch_2.pth'), weights_only=False)
    b = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)
    for key in ('state_dict', 'optimizer'):
        assert_same_state(a[key], b[key], key)

    work = str(tmp_path / 'truncated')  # and epoch_1 too: nothing whole is left
    _damage(osp.join(work, 'epoch_1.pth'), 'random')
    before = {p: open(p, 'rb').read() for p in glob.glob(osp.join(work, '*.pth'))}
    proc = train_tool(VANILLA, *opts, check=False, extra=['--work-dir', work, '--resume'])
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f'Error: --resume: every checkpoint in {work} is damaged') and \
        'epoch_2.pth' in last and 'epoch_1.pth' in last, last
    assert {p: open(p, 'rb').read() for p in glob.glob(osp.join(work, '*.pth'))} == before
