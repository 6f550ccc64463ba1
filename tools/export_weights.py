"""Turn a checkpoint you trust into a weights-only file that loads without unpickling code.

    python tools/export_weights.py work_dirs/kd_r56_r20/epoch_240.pth r20_student.pth --part student
    python tools/export_weights.py work_dirs/resnet56_cifar100/epoch_240.pth r56.pth

``--part student`` / ``teacher`` keep one network of a distillation checkpoint, renamed to load as
a plain classifier (``load_from``, ``model.teacher_ckpt``); ``model`` (default) keeps everything.
This tool unpickles ``CHECKPOINT`` fully: run it only on files you trust.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from sokd_mm.utils.checkpoint_io import export_weights  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='a trusted checkpoint (mmengine or plain PyTorch)')
    parser.add_argument('out', help='weights-only file to write')
    parser.add_argument('--part', choices=['model', 'student', 'teacher'], default='model')
    args = parser.parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'Checkpoint {args.checkpoint} not found.')
    try:
        n = export_weights(args.checkpoint, args.out, args.part)
    except ValueError as error:
        raise SystemExit(f'Error: {error}') from None
    print(f'Wrote {n} tensors ({args.part}) to {args.out}; it loads with weights_only=True.')


if __name__ == '__main__':
    main()
