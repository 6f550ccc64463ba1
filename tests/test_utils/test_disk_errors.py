"""A log write that fails (a full disk) stops the run with one line, not a traceback per
record while training goes on without a log."""
import errno
import logging

import pytest

from sokd_mm.utils.disk_errors import LogWriteError, save_error_advice, stop_on_log_write_errors


class _FullDisk:
    def write(self, text):
        raise OSError(errno.ENOSPC, 'No space left on device')

    def flush(self):
        pass


def test_a_full_disk_while_logging_is_one_error(tmp_path, capsys):
    logger = logging.getLogger('sokd_test_full_disk')
    handler = logging.FileHandler(tmp_path / 'run.log')
    logger.addHandler(handler)
    try:
        stop_on_log_write_errors(logger)
        handler.stream = _FullDisk()
        with pytest.raises(LogWriteError, match=r'writing the log .*run.log failed: No space '
                                                r'left on device. The disk .* is full'):
            logger.warning('epoch 3')
    finally:
        logger.removeHandler(handler)
    assert '--- Logging error ---' not in capsys.readouterr().err


@pytest.mark.parametrize('code, advice', [(errno.ENOSPC, 'full'), (errno.EACCES, 'permissions'),
                                          (errno.ENOENT, 'another process')])
def test_the_advice_names_the_cause(code, advice):
    assert advice in save_error_advice(OSError(code, 'x'))


def test_a_full_disk_at_start_is_one_error_line(tmp_path, monkeypatch):
    """mmengine writes the config dump and opens the log while the runner is built: a full disk
    there ends tools/train.py with one line naming the cause, not mmengine's traceback."""
    import importlib.util
    import os.path as osp

    from tests.conftest import REPO
    spec = importlib.util.spec_from_file_location('train_tool', osp.join(REPO, 'tools',
                                                                         'train.py'))
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)

    def full_disk(cfg):
        raise OSError(errno.ENOSPC, 'No space left on device', osp.join(cfg.work_dir, 'x.py'))
    monkeypatch.setattr(train.Runner, 'from_cfg', full_disk)
    work = str(tmp_path / 'w')
    with pytest.raises(SystemExit) as stop:
        train.main([osp.join(REPO, 'configs/vanilla/resnet8_digits.py'), '--work-dir', work])
    assert str(stop.value) == (f'Error: writing into the work dir {work} failed: No space left '
                               'on device. The disk (or your quota) is full: free space in the '
                               'work dir.')
    from sokd_mm.utils.work_dir_lock import release_work_dir
    release_work_dir(work)
