"""One run per work dir: a live holder refuses a second run, naming itself; a killed holder's
lock never blocks."""
import os
import signal
import subprocess
import sys
import time

import pytest

from sokd_mm.utils.work_dir_lock import WorkDirBusyError, lock_work_dir, release_work_dir
from tests.conftest import PYTHON, REPO, run_tool

HOLD = ('import sys, time; from sokd_mm.utils.work_dir_lock import lock_work_dir; '
        'lock_work_dir(sys.argv[1]); print("held", flush=True); time.sleep(600)')


def _holder(work_dir: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, '-c', HOLD, work_dir], stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.stdout.readline().strip() == 'held'
    return proc


def test_a_live_holder_refuses_a_second_run_and_a_killed_one_never_blocks(tmp_path):
    work = str(tmp_path / 'run')
    holder = _holder(work)
    try:
        with pytest.raises(WorkDirBusyError, match=rf'in use by a running training \(PID '
                                                   rf'{holder.pid} on .*, started 20'):
            lock_work_dir(work)
        # the real tool, before it builds anything: one line naming the holder
        proc = run_tool([PYTHON, f'{REPO}/tools/train.py',
                         f'{REPO}/configs/vanilla/resnet8_digits.py', '--work-dir', work],
                        check=False)
        last = proc.stderr.strip().splitlines()[-1]
        assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
        assert last.startswith(f'Error: the work dir {work} is in use') and \
            f'PID {holder.pid}' in last, last
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    time.sleep(0.1)
    lock_work_dir(work)  # the dead holder's lock went with it; its file stays, harmless
    assert f'PID {os.getpid()}' in open(os.path.join(work, '.lock')).read()
    assert release_work_dir(work)
