"""Train a model from a config: `python tools/train.py CONFIG [--work-dir] [--resume [CKPT]]
[--allow-change KEY ...] [--amp] [--fast [--no-bf16]] [--no-validate] [--auto-scale-lr]
[--cfg-options k=v ...] [--launcher none|pytorch|slurm]`.

SIGTERM, SIGUSR1 and Ctrl-C stop training after the current iteration with a checkpoint of it
and the command that continues (exit status 75); a second Ctrl-C stops at once."""
import argparse
import errno
import os
import os.path as osp
import shlex
import signal
import sys

import sokd_mm  # noqa: E402,F401  (compatibility patches and registrations first)
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from sokd_mm.apis import (apply_fast_runtime, check_data_folders, check_loss_weights,  # noqa: E402
                          check_num_classes, device_loop_settings, explain_build_error,
                          close_process_group, fit_crd_memory, load_config, prepare_distributed,
                          teacher_from_checkpoint, total_batch_note)
from sokd_mm.apis.cpu_workers import fit_cpu_workers  # noqa: E402
from sokd_mm.apis.run_identity import check_resume_settings  # noqa: E402
from sokd_mm.engine.hooks import (NonFiniteLossError, PreemptionHook,  # noqa: E402
                                  TrainingPreempted)
from sokd_mm.engine.hooks.safe_checkpoint_hook import (checkpoint_problem,  # noqa: E402
                                                       find_resume_checkpoint)
from sokd_mm.errors import SokdError  # noqa: E402
from sokd_mm.utils.disk_errors import (LogWriteError, save_error_advice,  # noqa: E402
                                       stop_on_log_write_errors)
from sokd_mm.utils.work_dir_lock import lock_work_dir  # noqa: E402

# a full disk or quota, a read-only or forbidden work dir: the run cannot write its files
WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)
PREEMPTED_EXIT = 75  # EX_TEMPFAIL: stopped on request, to be continued (tools/slurm_train.sh)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a classifier or a distilled student')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from CKPT, or without a value from the latest checkpoint '
                        'in the work dir')
    parser.add_argument('--allow-change', nargs='+', default=[], metavar='KEY',
                        help='with --resume: settings (config keys, or their parents) that may '
                        'differ from the checkpoint\'s, e.g. train_cfg.max_epochs; any other '
                        'difference is refused')
    parser.add_argument('--amp', action='store_true', help='mixed precision training')
    parser.add_argument('--fast', action='store_true',
                        help='the fast runtime: training data and augmentation on the device, '
                        'no per-iteration host sync, bf16 autocast and channels_last on CUDA '
                        '(same sampler order, losses and checkpoints; CIFAR-style in-memory '
                        'datasets)')
    parser.add_argument('--no-bf16', action='store_true',
                        help='with --fast on a GPU: keep float32')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr linearly with the total batch size '
                        '(auto_scale_lr.base_batch_size in the config)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, e.g. model.teacher_ckpt=path')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def build_config(args: argparse.Namespace) -> Config:
    cfg = load_config(args.config, args.cfg_options)
    check_loss_weights(cfg)
    check_num_classes(cfg)
    fit_crd_memory(cfg)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        enable_amp(cfg)
    if args.fast:
        import torch
        apply_fast_runtime(cfg, bf16=torch.cuda.is_available() and not args.no_bf16)
    elif args.no_bf16:
        raise SystemExit('Error: --no-bf16 only applies with --fast.')
    for note in fit_cpu_workers(cfg, args.cfg_options):
        if int(os.environ.get('RANK', 0)) == 0:
            print(f'Note: {note}.', file=sys.stderr, flush=True)
    if (cfg.get('train_cfg') or {}).get('type') == 'DeviceResidentTrainLoop':
        device_loop_settings(cfg)  # a config (or --cfg-options) naming the loop itself
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    check_data_folders(cfg, ('train_dataloader', 'val_dataloader'))
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        cfg.load_from = resume_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise SystemExit(f'Error: --resume {args.resume}: no such checkpoint. Give a file '
                             'of the run\'s work dir, or --resume alone for its latest one.')
        problem = checkpoint_problem(args.resume)
        if problem:
            raise SystemExit(f'Error: --resume {args.resume}: the checkpoint is {problem}. '
                             'Give another file of the run\'s work dir, or --resume alone for '
                             'its newest whole one.')
        cfg.resume, cfg.load_from = True, args.resume
    if cfg.get('resume'):
        # The resumed checkpoint holds the teacher: the teacher file is not needed again.
        teacher_from_checkpoint(cfg, cfg.load_from)
    elif args.allow_change and args.resume is None:
        raise SystemExit('Error: --allow-change only applies with --resume.')
    prepare_distributed(cfg, args.launcher)
    note = total_batch_note(cfg, int(os.environ.get('WORLD_SIZE', 1)))
    if note and int(os.environ.get('RANK', 0)) == 0:
        print(f'Note: {note}', file=sys.stderr, flush=True)
    if cfg.get('resume'):
        args.allowed_changes = check_resume_settings(cfg, cfg.load_from, args.allow_change)
    return cfg


def resume_checkpoint(work_dir: str):
    """The newest whole checkpoint of ``work_dir`` (mmengine would trust last_checkpoint
    blindly), saying which newer files were passed over and why; None when the work dir has no
    checkpoint yet (a requeued job that never saved: training starts from the beginning). A
    work dir whose every checkpoint is damaged is refused: starting over would overwrite it."""
    path, skipped = find_resume_checkpoint(work_dir)
    for damaged, why in skipped:
        print(f'--resume: skipping {damaged}: {why}.', file=sys.stderr, flush=True)
    if path is None and any(osp.isfile(p) for p, _ in skipped):
        names = ', '.join(osp.basename(p) for p, _ in skipped if osp.isfile(p))
        raise SystemExit(f'Error: --resume: every checkpoint in {work_dir} is damaged ({names}); '
                         'nothing was overwritten. To start over, move them out of the work '
                         'dir (or pass a new --work-dir) and run without --resume.')
    if path is None:
        print(f'--resume: {work_dir} holds no checkpoint yet; training starts from the '
              'beginning.', flush=True)
    elif skipped:
        print(f'--resume: continuing from {path}, the newest whole checkpoint.',
              file=sys.stderr, flush=True)
    return path


def enable_amp(cfg: Config) -> None:
    """Mixed precision through mmengine's AmpOptimWrapper: on the one optimizer, or on SoKD's
    student optimizer (the policy search computes its gradients outside autocast)."""
    import torch
    if not torch.cuda.is_available():
        raise SystemExit('Error: --amp needs a CUDA GPU (mmengine\'s AmpOptimWrapper); this '
                         'machine has none: drop --amp.')
    wrapper = cfg.optim_wrapper
    wrapper.type = 'AmpOptimWrapper'
    wrapper.setdefault('loss_scale', 'dynamic')


def check_work_dir_writable(work_dir: str) -> None:
    probe = osp.join(work_dir, f'.write_test.{os.getpid()}')  # one per DDP process
    try:
        os.makedirs(work_dir, exist_ok=True)
        with open(probe, 'w') as f:
            f.write('ok')
        os.remove(probe)
    except OSError as error:
        raise SystemExit(f'Error: the work dir {work_dir} is not writable ({error}). Logs and '
                         'checkpoints go there: pass --work-dir with a folder you can write to.')


def run(args: argparse.Namespace) -> None:
    cfg = build_config(args)
    check_work_dir_writable(cfg.work_dir)
    if int(os.environ.get('RANK', 0)) == 0:
        lock_work_dir(cfg.work_dir)  # one run per work dir, released when this process ends
    runner = None
    try:
        # Components are built here and lazily in train() (data loaders, optimizers).
        try:
            runner = Runner.from_cfg(cfg)
        except OSError as error:  # the config dump and the log files are written here
            raise SystemExit(f'Error: writing into the work dir {cfg.work_dir} failed: '
                             f'{error.strerror or error}. {save_error_advice(error)}') from None
        stop_on_log_write_errors(runner.logger)
        for key, old, new in getattr(args, 'allowed_changes', []):
            runner.logger.warning(f'Resuming with a changed setting: {key}: {old} -> {new}')
        runner.register_hook(PreemptionHook())
        runner.train()
    except TrainingPreempted as stop:
        runner.logger.warning(str(stop))
        raise
    except SokdError as error:
        if runner is not None and not isinstance(error, LogWriteError):
            runner.logger.error(str(error))  # also in the work dir's log
        raise
    except OSError as error:
        if error.errno not in WRITE_ERRORS:
            raise
        raise SystemExit(f'Error: writing into the work dir {cfg.work_dir} failed: '
                         f'{error.strerror} ({error.filename}). '
                         f'{save_error_advice(error)}') from None
    except (KeyError, TypeError) as e:
        message = explain_build_error(e, cfg)
        if message is None or os.environ.get('SOKD_DEBUG'):
            raise
        raise SystemExit(f'Error: {message}') from None


def join_elastic_job(args: argparse.Namespace) -> None:
    """Under torchrun: die with the launcher (an orphan would hold the port and the work dir),
    and, when torchrun restarted the job after a failed process, resume from the newest whole
    checkpoint instead of starting over."""
    if 'TORCHELASTIC_RUN_ID' not in os.environ:
        return
    try:
        import ctypes
        ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: torchrun's own clean-up only
        pass
    restart = int(os.environ.get('TORCHELASTIC_RESTART_COUNT', 0))
    if restart > 0 and args.resume is None:
        args.resume = 'auto'
        if int(os.environ.get('RANK', 0)) == 0:
            print(f'Restart {restart} of the job (torchrun --max-restarts): resuming from the '
                  'newest checkpoint.', file=sys.stderr, flush=True)


def resume_command(argv) -> str:
    """The command that continues this run: its own arguments, ``--resume`` (the latest
    complete checkpoint of its work dir) in place of any ``--resume`` it had."""
    kept, rest = [], list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == '--resume':
            if rest and not rest[0].startswith('-'):  # its checkpoint, as argparse reads it
                rest.pop(0)
        elif not arg.startswith('--resume='):
            kept.append(arg)
    if os.environ.get('WORLD_SIZE') and '--launcher' in kept:  # started by dist_train.sh
        at = kept.index('--launcher')
        del kept[at:at + 2]
        kept = [a for a in kept if not a.startswith(('--local_rank', '--local-rank'))]
        tool = osp.join(osp.dirname(sys.argv[0]) or '.', 'dist_train.sh')
        return shlex.join(['bash', tool, kept[0], os.environ['WORLD_SIZE'], *kept[1:],
                           '--resume'])
    if osp.basename(sys.argv[0]).startswith('sokd-'):  # the installed console script
        return shlex.join([osp.basename(sys.argv[0]), *kept, '--resume'])
    if sys.argv[0].endswith(osp.join('sokd_mm', 'cli', 'train.py')):  # python -m
        return shlex.join(['python', '-m', 'sokd_mm.cli.train', *kept, '--resume'])
    return shlex.join(['python', sys.argv[0], *kept, '--resume'])


def main(argv=None) -> None:
    args = parse_args(argv)
    given = list(sys.argv[1:] if argv is None else argv)
    join_elastic_job(args)
    try:
        run(args)
        close_process_group()
    except TrainingPreempted as stop:
        # The checkpoint of the last iteration is complete (PreemptionHook, which ignores
        # SIGTERM from then on in a multi-process job: another rank may already have asked the
        # launcher to end the job, and this one still says how to continue).
        if int(os.environ.get('RANK', 0)) == 0:
            print(f'{stop} Continue with: {resume_command(given)}', file=sys.stderr, flush=True)
        if 'TORCHELASTIC_RUN_ID' in os.environ:
            # a stop, not a failure: torchrun would restart the job; ask it to end instead
            os.kill(os.getppid(), signal.SIGTERM)
        raise SystemExit(PREEMPTED_EXIT) from None
    except KeyboardInterrupt:
        # A second Ctrl-C, or one before training started: the checkpoints written so far are
        # complete (SafeCheckpointHook); say how to go on.
        raise SystemExit('Interrupted. Continue where it stopped with: '
                         f'{resume_command(given)}') from None
    except SokdError as error:
        # A user mistake or a deliberate stop: the message says what to do; no traceback
        # unless asked for.
        if os.environ.get('SOKD_DEBUG'):
            raise
        hint = ''
        if isinstance(error, NonFiniteLossError):
            hint = (f' The run\'s command with --resume: {resume_command(given)} (add '
                    '--allow-change KEY for each setting you change).')
        raise SystemExit(f'Error: {error}{hint}') from None


if __name__ == '__main__':
    main()
