"""Parameters and MACs of the CIFAR zoo (mmengine's complexity counter), as a markdown table:
`python tools/analysis/get_flops.py [ARCH ...] [--shape 32] [--out FILE]`."""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from sokd_mm.utils.complexity import complexity_table  # noqa: E402
from sokd_mm.utils.config_helpers import available_base_models  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('archs', nargs='*', help='default: every cifar100 base model')
    parser.add_argument('--shape', type=int, default=32)
    parser.add_argument('--out', help='also write the table to this file')
    args = parser.parse_args(argv)
    table = complexity_table(args.archs or available_base_models('cifar100'), args.shape)
    print(table)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(table + '\n')


if __name__ == '__main__':
    main()
