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
from typing import List, Optional, Tuple

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from sokd_mm.errors import SokdError
from sokd_mm.utils.disk_errors import save_error_advice
from sokd_mm.registry import HOOKS

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


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be resumed from, or None when it is whole: a torch zip archive
    whose every record matches the CRC-32 stored with it (a truncated file has no central
    directory; bytes changed inside a record fail its CRC). Reads the whole file once."""
    if not osp.isfile(path):
        return 'no such file'
    try:
        with zipfile.ZipFile(path) as archive:
            if not any(name.endswith('data.pkl') for name in archive.namelist()):
                return 'not a torch checkpoint (no data.pkl record)'
            bad = archive.testzip()
            if bad is not None:
                return f'damaged: its record {bad} fails the CRC check'
    except zipfile.BadZipFile:
        return 'truncated or not a checkpoint (no zip directory at its end)'
    except (OSError, EOFError, zipfile.LargeZipFile) as error:
        return f'unreadable ({error})'
    return None


def is_complete_checkpoint(path: str) -> bool:
    return checkpoint_problem(path) is None


CHECKPOINT_NAME = re.compile(r'(epoch|iter)_(\d+)\.pth')


def checkpoint_files(work_dir: str) -> List[str]:
    """The ``epoch_N.pth`` / ``iter_N.pth`` files of a work dir, newest (highest N) first."""
    found = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else []:
        match = CHECKPOINT_NAME.fullmatch(name)
        if match:
            found.append((int(match.group(2)), match.group(1) == 'iter', name))
    return [osp.join(work_dir, name) for *_, name in sorted(found, reverse=True)]


def read_last_checkpoint(work_dir: str) -> Optional[str]:
    """The file ``last_checkpoint`` names, resolved in ``work_dir``: it is written relative to
    the work dir; an absolute path of another folder (a work dir copied elsewhere, or written by
    an older release) is read as the file of that name here when one exists."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return None
    with open(pointer) as f:
        named = f.read().strip()
    if not named:
        return None
    if not osp.isabs(named):
        return osp.join(work_dir, named)
    local = osp.join(work_dir, osp.basename(named))
    if osp.realpath(osp.dirname(named)) != osp.realpath(work_dir) and osp.isfile(local):
        return local
    return named


def find_resume_checkpoint(work_dir: str) -> Tuple[Optional[str], List[Tuple[str, str]]]:
    """``(checkpoint, skipped)``: the newest whole checkpoint ``--resume`` should continue from
    (``last_checkpoint`` first, then ``epoch_*.pth`` / ``iter_*.pth`` by number), and the
    ``(path, reason)`` of every newer file passed over on the way (damaged, or named by
    ``last_checkpoint`` but missing)."""
    skipped = []
    named = read_last_checkpoint(work_dir)
    if named:
        problem = checkpoint_problem(named)
        if problem is None:
            return named, skipped
        skipped.append((named, f'named by last_checkpoint, {problem}'))
    for path in checkpoint_files(work_dir):
        if named and osp.realpath(path) == osp.realpath(named):
            continue
        problem = checkpoint_problem(path)
        if problem is None:
            return path, skipped
        skipped.append((path, problem))
    return None, skipped


def find_last_complete_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` (without a path) should continue from (see
    :func:`find_resume_checkpoint`)."""
    return find_resume_checkpoint(work_dir)[0]


def remove_partial_saves(out_dir: str) -> None:
    """Delete what saves killed before their rename left behind (``.NAME.pth.part``)."""
    for name in os.listdir(out_dir) if osp.isdir(out_dir) else []:
        if name.startswith('.') and name.endswith(f'.pth{PART_SUFFIX}'):
            os.remove(osp.join(out_dir, name))


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
        if is_main_process() and isinstance(self.file_backend, LocalBackend):
            remove_partial_saves(self.out_dir)

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
                # relative: a work dir copied or moved elsewhere resumes from its own files
                atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'),
                                  osp.relpath(final_path, runner.work_dir))
        except OSError as error:
            if is_main_process() and osp.exists(part_path):
                os.remove(part_path)
            last_good = find_last_complete_checkpoint(runner.work_dir)
            raise CheckpointSaveError(
                f'Saving checkpoint {final_path} failed: {error}. Training stopped; nothing '
                f'was overwritten. Last complete checkpoint: {last_good or "none yet"}. '
                f'{save_error_advice(error)} Then continue with '
                '`tools/train.py CONFIG --resume`.') from error

    def _save_checkpoint_with_step(self, runner, step, meta):
        if not isinstance(self.file_backend, LocalBackend):
            # Object stores have their own atomic put semantics.
            return super()._save_checkpoint_with_step(runner, step, meta)
        ckpt_filename = self.filename_tmpl.format(step)
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                            and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                self.keep_ckpt_ids.popleft()  # its file goes in _rotate, after the save
            self.keep_ckpt_ids.append(step)
            # Stored in the message hub (hence in this checkpoint) as mmengine does.
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        self._write(runner, ckpt_filename, self.by_epoch, meta)
        if is_main_process():
            self._rotate(step)

    def _rotate(self, step: int) -> None:
        """Delete the scheduled checkpoints older than ``step`` that ``max_keep_ckpts`` no
        longer keeps (including those a kill between a save and its rotation left behind) and,
        in an epoch-based run, the stop checkpoints (``iter_N.pth``, ``save_now``) the new
        checkpoint supersedes."""
        if self.max_keep_ckpts <= 0:
            kept = None
        else:
            kept = set(self.keep_ckpt_ids)
        pattern = re.compile(re.escape(self.filename_tmpl).replace(r'\{\}', r'(\d+)'))
        for name in os.listdir(self.out_dir):
            match = pattern.fullmatch(name)
            if match and kept is not None and int(match[1]) < step \
                    and int(match[1]) not in kept:
                os.remove(osp.join(self.out_dir, name))
            elif self.by_epoch and re.fullmatch(r'iter_\d+\.pth', name) \
                    and not pattern.fullmatch(name):
                os.remove(osp.join(self.out_dir, name))
