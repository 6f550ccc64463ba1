"""Teacher quality on the test split: `python tools/analysis_tools/teacher_quality.py CONFIG CKPT
[--out-dir DIR] [--cfg-options ...]`. Prints top-1, NLL, ECE (15 bins) and mean entropy and
writes quality.json, quality.md and reliability.png (default: next to the checkpoint)."""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import sokd_mm  # noqa: E402,F401
from mmengine.config import DictAction  # noqa: E402

from sokd_mm.apis.teacher_quality import evaluate_teacher, quality_markdown  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out-dir', help='default: <checkpoint dir>/<checkpoint name>_quality, '
                        'one folder per checkpoint')
    parser.add_argument('--bins', type=int, default=15)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    if not osp.isfile(args.config):
        raise SystemExit(f'Error: config file {args.config} not found.')
    from mmengine.config import Config
    model = Config.fromfile(args.config).model
    if 'teacher' in model or 'architecture' in model:
        raise SystemExit(
            f'Error: {args.config} is a distillation config; teacher_quality.py evaluates a '
            "classifier. Give the teacher's own config (configs/vanilla/<arch>_<dataset>.py or "
            'configs/soteacher/...) and its checkpoint.')
    # beside the checkpoint, named after it: another epoch's report is never overwritten
    stem = osp.splitext(osp.basename(args.checkpoint))[0]
    out_dir = args.out_dir or osp.join(osp.dirname(osp.abspath(args.checkpoint)),
                                       f'{stem}_quality')
    try:
        report = evaluate_teacher(args.config, args.checkpoint, out_dir, args.cfg_options,
                                  args.bins)
    except FileNotFoundError as e:
        raise SystemExit(f'Error: {e}') from None
    print(quality_markdown(report))
    print(f'Written: {out_dir}/quality.json, quality.md, reliability.png')


if __name__ == '__main__':
    main()
