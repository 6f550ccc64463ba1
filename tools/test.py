"""Evaluate a checkpoint: `python tools/test.py CONFIG CHECKPOINT [--work-dir] [--out F]
[--cfg-options ...] [--launcher]`."""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import sokd_mm  # noqa: E402,F401
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from sokd_mm.apis import check_cfg_options, prepare_distributed  # noqa: E402
from sokd_mm.errors import SokdError  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work-dir')
    parser.add_argument('--out', help='dump metrics to this JSON/pickle file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        check_cfg_options(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'Checkpoint {args.checkpoint} not found.')
    cfg.work_dir = args.work_dir or osp.join('work_dirs',
                                             osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.out:
        cfg.test_evaluator = [cfg.test_evaluator] if isinstance(cfg.test_evaluator, dict) \
            else list(cfg.test_evaluator)
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=args.out))
    prepare_distributed(cfg, args.launcher)
    try:
        runner = Runner.from_cfg(cfg)
        metrics = runner.test()
    except SokdError as error:  # a user mistake: the message says how to fix it
        if os.environ.get('SOKD_DEBUG'):
            raise
        raise SystemExit(f'Error: {error}') from None
    print(metrics)


if __name__ == '__main__':
    main()
