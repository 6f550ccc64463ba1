"""Convert a RepDistiller/mdistiller CIFAR checkpoint for configs/_base_/models/cifar100/ARCH.py:
`python tools/model_converters/convert_repdistiller.py ARCH SRC DST`; then use DST as
model.teacher_ckpt or load_from. Load only files you trust (the source is fully unpickled)."""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from sokd_mm.utils.convert_repdistiller import CLASSIFIER_NAMES, convert_checkpoint  # noqa


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('arch', choices=sorted(CLASSIFIER_NAMES))
    parser.add_argument('src')
    parser.add_argument('dst')
    args = parser.parse_args(argv)
    if not osp.isfile(args.src):
        raise SystemExit(f'{args.src} does not exist')
    try:
        convert_checkpoint(args.arch, args.src, args.dst)
    except ValueError as e:
        raise SystemExit(f'Cannot convert {args.src}: {e}') from None
    print(f'Saved {args.dst} for configs/_base_/models/cifar100/{args.arch}.py')


if __name__ == '__main__':
    main()
