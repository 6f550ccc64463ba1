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


class ResumeSettingsError(SokdError, ValueError):
    """``--resume`` with settings other than those the checkpoint was trained with."""


# Where the run lives and how it was started, not what it trains: free to differ on resume.
NOT_SETTINGS = ('work_dir', 'resume', 'load_from', 'launcher', 'model.teacher_ckpt',
                'model.allow_random_teacher', 'model.teacher_from_checkpoint')
# What a run shows or keeps, not what it computes: allowed to differ on resume (and logged).
COSMETIC = ('default_hooks.logger', 'log_level', 'log_processor', 'visualizer',
            'default_hooks.checkpoint.max_keep_ckpts', 'env_cfg.dist_cfg.timeout')


def _flatten(value, prefix: str = '') -> Dict:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_flatten(item, f'{prefix}{key}.'))
        return out or {prefix[:-1]: {}}
    return {prefix[:-1]: value}


def settings_of(config_text: str) -> Dict:
    """The flattened settings (``a.b.c`` keys) of a config as MMEngine prints it."""
    cfg = Config.fromstring(config_text, '.py')
    flat = _flatten(cfg.to_dict())
    return {k: v for k, v in flat.items()
            if not any(k == n or k.startswith(n + '.') for n in NOT_SETTINGS)}


def resume_differences(saved_text: str, cfg: Config) -> list:
    """``(key, checkpoint's value, current value)`` for every setting that differs between
    the config a checkpoint was trained with and ``cfg``."""
    saved, now = settings_of(saved_text), settings_of(cfg.pretty_text)
    missing = object()
    return [(k, saved.get(k, missing), now.get(k, missing)) for k in sorted(set(saved) | set(now))
            if saved.get(k, missing) != now.get(k, missing)]


def check_resume_settings(cfg: Config, checkpoint: str, allowed: Sequence[str] = ()) -> list:
    """Refuse (one :class:`ResumeSettingsError` line naming each key and its two values) to
    resume ``checkpoint`` with settings it was not trained with, except the keys in (or under)
    ``allowed`` and ``COSMETIC``; return the allowed differences, to be logged."""
    import torch
    meta = torch.load(checkpoint, map_location='cpu', weights_only=False, mmap=True).get('meta', {})
    if 'cfg' not in meta:
        return []  # not written by an MMEngine runner: nothing to compare with
    diffs = resume_differences(meta['cfg'], cfg)

    def shown(value):
        return '(unset)' if not isinstance(value, (int, float, str, list, tuple, dict,
                                                   type(None))) else repr(value)

    def is_allowed(key):
        return any(key == a or key.startswith(a + '.') for a in (*allowed, *COSMETIC))

    refused = [d for d in diffs if not is_allowed(d[0])]
    if refused:
        listed = '; '.join(f'{k}: {shown(old)} in the checkpoint, {shown(new)} now'
                           for k, old, new in refused)
        raise ResumeSettingsError(
            f'--resume {checkpoint}: this run has other settings than the checkpoint was '
            f'trained with ({listed}). Resume with the options the run was started with, or '
            f'allow a deliberate change with --allow-change {" ".join(k for k, _, _ in refused)}.')
    return [(k, shown(old), shown(new)) for k, old, new in diffs]
