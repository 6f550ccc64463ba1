"""Evaluate a checkpoint: `python tools/test.py CONFIG CHECKPOINT [--work-dir] [--out F]
[--cfg-options ...] [--launcher]`. ``--out metrics.json`` writes the metrics as JSON;
a checkpoint that does not fit the config's model is refused (``check_checkpoint_fits``);
``--out predictions.pkl`` dumps the per-sample predictions (mmengine's DumpResults)."""
import json
import argparse
import os
import os.path as osp

import sokd_mm  # noqa: E402,F401
from mmengine.config import DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from sokd_mm.apis import (check_checkpoint_fits, check_data_folders,  # noqa: E402
                          close_process_group,
                          fit_crd_memory, load_config, prepare_distributed,
                          teacher_from_checkpoint)
from sokd_mm.errors import SokdError  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work-dir', help='where logs go (default: work_dirs/<config name>)')
    parser.add_argument('--out', help='a .json file receives the metrics; a .pkl file the '
                        'per-sample predictions')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))

    if args.out and not args.out.endswith(('.json', '.pkl', '.pickle')):
        raise SystemExit(f'Error: --out {args.out}: use a .json file for the metrics or a .pkl '
                         'file for the predictions.')
    try:
        cfg = load_config(args.config, args.cfg_options)
    except SokdError as error:
        raise SystemExit(f'Error: {error}') from None
    fit_crd_memory(cfg)  # the checkpoint's memory bank has one row per training image
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'Error: checkpoint {args.checkpoint} not found.')
    cfg.work_dir = args.work_dir or osp.join('work_dirs',
                                             osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    try:
        check_data_folders(cfg, ('test_dataloader', ))
    except SokdError as error:
        raise SystemExit(f'Error: {error}') from None
    # A distillation checkpoint holds its teacher: no need for the teacher file again.
    teacher_from_checkpoint(cfg, args.checkpoint)
    if args.out and not args.out.endswith('.json'):
        cfg.test_evaluator = [cfg.test_evaluator] if isinstance(cfg.test_evaluator, dict) \
            else list(cfg.test_evaluator)
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=args.out))
    prepare_distributed(cfg, args.launcher)
    try:
        runner = Runner.from_cfg(cfg)
        check_checkpoint_fits(runner.model, args.checkpoint)
        metrics = runner.test()
    except SokdError as error:  # a user mistake: the message says how to fix it
        if os.environ.get('SOKD_DEBUG'):
            raise
        raise SystemExit(f'Error: {error}') from None
    print(metrics)
    if args.out and args.out.endswith('.json'):
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        scores = {k: float(v) if hasattr(v, '__float__') else v for k, v in metrics.items()}
        # what was scored, so that the file means something on its own
        scores.update(config=osp.abspath(args.config), checkpoint=osp.abspath(args.checkpoint))
        with open(args.out, 'w') as f:
            json.dump(scores, f, indent=2)
        print(f'Metrics written to {args.out}')
    close_process_group()  # last: a distributed process ends here (see its doc)


if __name__ == '__main__':
    main()
