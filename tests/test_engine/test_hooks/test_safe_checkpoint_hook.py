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
