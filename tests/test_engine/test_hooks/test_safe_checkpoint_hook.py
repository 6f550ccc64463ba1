"""find_last_complete_checkpoint: what ``--resume`` without a path continues from."""
import os

import torch

from sokd_mm.engine.hooks import find_last_complete_checkpoint
from sokd_mm.engine.hooks.safe_checkpoint_hook import is_complete_checkpoint


def _save(path, value: float) -> str:
    torch.save({'state_dict': {'w': torch.full((1000,), value)}}, path)
    return str(path)


def test_truncated_latest_falls_back_to_newest_complete(tmp_path):
    first, second = _save(tmp_path / 'epoch_1.pth', 1), _save(tmp_path / 'epoch_2.pth', 2)
    third = _save(tmp_path / 'epoch_10.pth', 3)
    (tmp_path / 'last_checkpoint').write_text(third)
    assert find_last_complete_checkpoint(str(tmp_path)) == third
    with open(third, 'r+b') as f:  # a file cut short by a kill (older writers, other tools)
        f.truncate(os.path.getsize(third) // 2)
    assert not is_complete_checkpoint(third) and is_complete_checkpoint(second)
    assert find_last_complete_checkpoint(str(tmp_path)) == second
    (tmp_path / 'last_checkpoint').unlink()
    os.remove(second)
    assert find_last_complete_checkpoint(str(tmp_path)) == first


def test_empty_or_missing_work_dir_has_nothing_to_resume(tmp_path):
    assert find_last_complete_checkpoint(str(tmp_path / 'never_created')) is None
    (tmp_path / 'epoch_1.pth').write_bytes(b'')
    assert find_last_complete_checkpoint(str(tmp_path)) is None


def _damage_inside_a_record(path) -> None:
    """256 bytes rewritten in the middle of the file: the zip directory is intact, a tensor
    record's CRC is not."""
    data = bytearray(open(path, 'rb').read())
    data[len(data) // 2:len(data) // 2 + 256] = b'\xff' * 256
    open(path, 'wb').write(bytes(data))


def test_damaged_newest_checkpoints_are_skipped_with_their_reason(tmp_path):
    import shutil

    from sokd_mm.engine.hooks.safe_checkpoint_hook import (checkpoint_problem,
                                                           find_resume_checkpoint)
    first = _save(tmp_path / 'epoch_1.pth', 1)
    crc, random_bytes = _save(tmp_path / 'epoch_2.pth', 2), str(tmp_path / 'epoch_3.pth')
    truncated = _save(tmp_path / 'epoch_4.pth', 4)
    _damage_inside_a_record(crc)
    with open(random_bytes, 'wb') as f:
        f.write(os.urandom(5000))
    with open(truncated, 'r+b') as f:
        f.truncate(os.path.getsize(truncated) - 100)
    (tmp_path / 'last_checkpoint').write_text('epoch_5.pth')  # saved, then lost
    path, skipped = find_resume_checkpoint(str(tmp_path))
    assert path == first
    reasons = dict(skipped)
    assert list(reasons) == [str(tmp_path / f'epoch_{n}.pth') for n in (5, 4, 3, 2)]
    assert 'named by last_checkpoint, no such file' == reasons[str(tmp_path / 'epoch_5.pth')]
    assert 'truncated' in reasons[truncated] and 'truncated' in reasons[random_bytes]
    assert 'CRC' in reasons[crc] and 'CRC' in checkpoint_problem(crc)
    assert checkpoint_problem(first) is None
    # the pointer is relative: a copied work dir resumes from its own files ...
    copy = tmp_path.parent / 'copied'
    shutil.copytree(tmp_path, copy)
    (copy / 'last_checkpoint').write_text('epoch_1.pth')
    assert find_resume_checkpoint(str(copy))[0] == str(copy / 'epoch_1.pth')
    # ... and so does one whose pointer an older release wrote as the original's absolute path
    (copy / 'last_checkpoint').write_text(first)
    assert find_resume_checkpoint(str(copy)) == (str(copy / 'epoch_1.pth'), [])


def test_rotation_removes_what_interrupted_saves_left(tmp_path):
    """max_keep_ckpts holds after a kill between a save and its rotation (the expired file
    was never deleted), stop checkpoints are dropped once an epoch checkpoint supersedes them,
    and a partial file of a killed save goes at the next start."""
    from collections import deque

    from sokd_mm.engine.hooks import SafeCheckpointHook
    from sokd_mm.engine.hooks.safe_checkpoint_hook import remove_partial_saves
    hook = SafeCheckpointHook(interval=1, max_keep_ckpts=2)
    hook.out_dir = str(tmp_path)
    for name in ('epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth', 'epoch_4.pth', 'iter_70.pth',
                 'best_accuracy_top1_epoch_2.pth', 'epoch_5.pth'):
        (tmp_path / name).write_bytes(b'x')
    hook.keep_ckpt_ids = deque([4, 5], maxlen=2)
    hook._rotate(5)
    assert sorted(os.listdir(tmp_path)) == ['best_accuracy_top1_epoch_2.pth', 'epoch_4.pth',
                                            'epoch_5.pth']
    (tmp_path / '.epoch_6.pth.part').write_bytes(b'half')
    remove_partial_saves(str(tmp_path))
    assert '.epoch_6.pth.part' not in os.listdir(tmp_path)
