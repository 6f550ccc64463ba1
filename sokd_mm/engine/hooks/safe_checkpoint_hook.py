"""SafeCheckpointHook: a kill or a full disk during a save never costs the last good checkpoint.

MMEngine's ``CheckpointHook`` (0.10.7) writes ``epoch_N.pth`` in place, deletes the oldest kept
checkpoint *before* writing the new one, and rewrites ``last_checkpoint`` in place: a job killed
mid-save can leave a truncated latest file, a ``last_checkpoint`` naming it, and, with
``max_keep_ckpts=1``, no complete checkpoint at all. This subclass keeps every behaviour of the
original (intervals, ``max_keep_ckpts``, ``save_last``, ``save_best``) and changes the order:

1. write the checkpoint to ``.epoch_N.pth.part`` in the same folder and ``fsync`` it;
2. ``os.replace`` it to ``epoch_N.pth`` (atomic on POSIX file systems);
3. rewrite ``last_checkpoint`` the same way;
4. only then delete the checkpoint that fell out of ``max_keep_ckpts``.

A failed save (``OSError``: disk full, permissions) removes the partial file and stops the run
with :class:`CheckpointSaveError`, naming the last complete checkpoint.
"""
import os
import os.path as osp
import re
import zipfile
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook
from mmengine.registry import HOOKS

from sokd_mm.errors import SokdError

PART_SUFFIX = '.part'


class CheckpointSaveError(SokdError, RuntimeError):
    """Writing a checkpoint failed; the previous complete checkpoint is intact."""


def fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: str, text: str) -> None:
    part = osp.join(osp.dirname(path), f'.{osp.basename(path)}{PART_SUFFIX}')
    with open(part, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole torch zip archive (a truncated file has no central
    directory at its end, so opening it fails; no tensor is read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith('data.pkl') for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def find_last_complete_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` (without a path) should continue from.

    ``last_checkpoint`` is trusted when it names a complete file; otherwise (missing, stale, or
    a file truncated by an older writer) the newest complete ``epoch_*.pth`` / ``iter_*.pth`` in
    ``work_dir`` is used.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and is_complete_checkpoint(named):
            return named
    candidates = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else []:
        match = re.fullmatch(r'(epoch|iter)_(\d+)\.pth', name)
        if match:
            candidates.append((int(match.group(2)), osp.join(work_dir, name)))
    for _, path in sorted(candidates, reverse=True):
        if is_complete_checkpoint(path):
            return path
    return None


def _not_file_client_deprecation(record) -> bool:
    return '"FileClient" will be deprecated' not in record.getMessage()


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """``CheckpointHook`` with write-then-rename saves (module doc). Same arguments."""

    def before_train(self, runner) -> None:
        # mmengine's CheckpointHook builds a deprecated FileClient it never uses unless
        # file_client_args is given, and warns about it in every run: not the user's concern.
        runner.logger.addFilter(_not_file_client_deprecation)
        super().before_train(runner)

    def save_now(self, runner, filename: str) -> str:
        """Write a checkpoint of the iteration just finished, outside the saving schedule (a
        stop signal; see PreemptionHook), the same safe way; it is not counted by
        ``max_keep_ckpts``. Returns its path."""
        self._write(runner, filename, by_epoch=False, meta=dict())
        return osp.join(self.out_dir, filename)

    def _write(self, runner, ckpt_filename: str, by_epoch: bool, meta) -> None:
        """Write-then-rename ``ckpt_filename`` into ``out_dir`` and point ``last_checkpoint``
        at it (module doc)."""
        final_path = osp.join(self.out_dir, ckpt_filename)
        part_name = f'.{ckpt_filename}{PART_SUFFIX}'
        part_path = osp.join(self.out_dir, part_name)
        self.last_ckpt = final_path
        runner.message_hub.update_info('last_ckpt', final_path)
        try:
            runner.save_checkpoint(
                self.out_dir, part_name, self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler, meta=meta,
                by_epoch=by_epoch, backend_args=self.backend_args, **self.args)
            if is_main_process():
                fsync_file(part_path)
                os.replace(part_path, final_path)
                atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'), final_path)
        except OSError as error:
            if is_main_process() and osp.exists(part_path):
                os.remove(part_path)
            last_good = find_last_complete_checkpoint(runner.work_dir)
            raise CheckpointSaveError(
                f'Saving checkpoint {final_path} failed: {error}. Training stopped; nothing '
                f'was overwritten. Last complete checkpoint: {last_good or "none yet"}. Free '
                'space (or fix permissions) in the work dir, then continue with '
                '`tools/train.py CONFIG --resume`.') from error

    def _save_checkpoint_with_step(self, runner, step, meta):
        if not isinstance(self.file_backend, LocalBackend):
            # Object stores have their own atomic put semantics.
            return super()._save_checkpoint_with_step(runner, step, meta)
        ckpt_filename = self.filename_tmpl.format(step)
        expired = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                            and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                expired = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            # Stored in the message hub (hence in this checkpoint) as mmengine does.
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        self._write(runner, ckpt_filename, self.by_epoch, meta)

        if expired is not None and is_main_process():
            old = osp.join(self.out_dir, self.filename_tmpl.format(expired))
            if osp.isfile(old):
                os.remove(old)
