"""Parameters and MACs (mmengine's complexity counter), as a markdown table, of the CIFAR zoo's
architectures or of the networks of configs:
`python tools/analysis_tools/get_flops.py [ARCH | CONFIG.py ...] [--shape 32] [--out FILE]`
(a distillation config gives its student and its teacher)."""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import sokd_mm  # noqa: E402,F401
from sokd_mm.utils.complexity import (complexity_table, config_classifiers,  # noqa: E402
                                      measure_classifier)
from sokd_mm.utils.config_helpers import available_base_models  # noqa: E402


def config_rows(config: str, shape: int) -> list:
    name = osp.splitext(osp.basename(config))[0]
    rows = []
    for part, model in config_classifiers(config).items():
        m = measure_classifier(model, shape)
        label = name if part == 'model' else f'{name} ({part})'
        rows.append(f"| {label} | {m['params_m']:.2f} | {m['macs_m']:.1f} |")
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('models', nargs='*',
                        help='architecture names or config files (default: every cifar100 '
                        'base model)')
    parser.add_argument('--shape', type=int, default=32, help='input height and width')
    parser.add_argument('--out', help='also write the table to this file')
    args = parser.parse_args(argv)
    configs = [m for m in args.models if m.endswith('.py')]
    for config in configs:
        if not osp.isfile(config):
            raise SystemExit(f'Error: config file {config} not found.')
    archs = [m for m in args.models if not m.endswith('.py')]
    if not args.models:
        archs = available_base_models('cifar100')
    table = complexity_table(archs, args.shape) if archs else \
        '| model | params (M) | MACs (M) |\n|---|---:|---:|'
    for config in configs:
        table += '\n' + '\n'.join(config_rows(config, args.shape))
    print(table)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(table + '\n')


if __name__ == '__main__':
    main()
