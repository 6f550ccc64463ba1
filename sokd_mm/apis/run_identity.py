"""Which settings produced a run directory, so that finished or half-finished runs are reused
only by the same settings.

A run's fingerprint is the SHA-256 of its fully resolved config (``_base_`` inheritance, the
overrides, the teacher checkpoint, the seed) as MMEngine prints it. ``claim_run_dir`` writes it
to ``<run>/fingerprint.txt`` before training; a later call with other settings is refused with a
message instead of silently reusing (or resuming) what the old settings produced.
"""
import hashlib
import os
import os.path as osp
from typing import Dict, Optional, Sequence

from mmengine.config import Config

from sokd_mm.errors import SokdError

FILE = 'fingerprint.txt'


class StaleRunError(SokdError, RuntimeError):
    """A run directory holds a run made with other settings."""


def run_fingerprint(config: str, options: Optional[Dict] = None,
                    train_args: Sequence[str] = ()) -> str:
    """Hash of the resolved config, and of the tools/train.py flags that change the run
    (``--fast`` trains in bf16 on a GPU); without flags the hash of the config alone."""
    cfg = Config.fromfile(config)
    if options:
        cfg.merge_from_dict(dict(options))
    text = cfg.pretty_text + (''.join(f'\n# {arg}' for arg in train_args))
    return hashlib.sha256(text.encode()).hexdigest()


def claim_run_dir(work_dir: str, fingerprint: str, what: str = 'run') -> None:
    """Record ``fingerprint`` for ``work_dir``, or refuse when the directory already holds a
    run of other settings (or of a version that did not record them)."""
    path = osp.join(work_dir, FILE)
    if osp.isfile(path):
        if open(path).read().strip() == fingerprint:
            return
        reason = 'was made with other settings (config, options, teacher or seed)'
    elif osp.isdir(work_dir) and os.listdir(work_dir):
        reason = 'holds a run whose settings were not recorded (an older version)'
    else:
        os.makedirs(work_dir, exist_ok=True)
        with open(path, 'w') as f:
            f.write(fingerprint + '\n')
        return
    raise StaleRunError(
        f'The {what} in {work_dir} {reason}; it is not reused. Start elsewhere (another '
        '--work-dir) or delete that directory to run it again with the current settings.')
