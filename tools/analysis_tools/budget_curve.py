"""A budget study's tables and figure: `python tools/analysis_tools/budget_curve.py RESULTS...
[--json-out PATTERN] [--png FIGURE]`.

RESULTS: the collected JSON of a whole budget SPEC (`tools/collect_results.py WORK_DIR
--by-method --spec SPEC` writes WORK_DIR/results_methods.json; methods named <method>_<E>e),
split into one JSON per budget written to PATTERN (`{epochs}` in it, e.g.
docs/results/sokd_budget_{epochs}e_fashion_mnist.json); or per-budget JSON files written so
before (their meta names the epochs). FIGURE: each SoKD variant's test top-1 gap to its base
method against the budget, as a PNG.
"""
import argparse
import json
import os
import os.path as osp
import shlex
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from sokd_mm.apis.budget_study import (BUDGET_SUFFIX, budget_gaps,  # noqa: E402
                                       plot_budget_gaps, split_by_budget)
from sokd_mm.errors import SokdError  # noqa: E402


def _read(paths, json_out):
    per_budget = {}
    for path in paths:
        if not osp.isfile(path):
            raise SystemExit(f'Error: results file {path} not found.')
        collected = json.load(open(path))
        if 'methods' not in collected:
            raise SystemExit(f'Error: {path} is no by-method results file (no "methods"); '
                             'write one with tools/collect_results.py WORK_DIR --by-method')
        if any(BUDGET_SUFFIX.match(m) for m in collected['methods']):
            parts = split_by_budget(collected)
            if json_out:
                for epochs, part in parts.items():
                    part['meta']['split'] = shlex.join(['python', *sys.argv])
                    out = json_out.format(epochs=epochs)
                    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
                    with open(out, 'w') as f:
                        f.write(json.dumps(part, indent=2) + '\n')
                    print(f'{epochs} epochs: {out}')
            per_budget.update(parts)
        elif 'epochs' in collected.get('meta', {}):
            per_budget[collected['meta']['epochs']] = collected
        else:
            raise SystemExit(f'Error: {path} names no budget: its methods have no _<E>e '
                             'suffix and its meta no "epochs".')
    return per_budget


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('results', nargs='+')
    parser.add_argument('--json-out', help='where each budget\'s JSON goes, with {epochs}')
    parser.add_argument('--png', help='the figure of the SoKD variants\' gaps')
    args = parser.parse_args(argv)
    if args.json_out and '{epochs}' not in args.json_out:
        raise SystemExit(f'Error: --json-out {args.json_out} has no {{epochs}}; one file is '
                         'written per budget, e.g. docs/results/sokd_budget_{epochs}e.json')
    try:
        per_budget = _read(args.results, args.json_out)
        gaps = budget_gaps(per_budget)
    except SokdError as error:
        raise SystemExit(f'Error: {error}') from None
    for variant, entry in gaps.items():
        points = ', '.join(f'{e} ep. {g:+.2f}' for e, g in zip(entry['epochs'], entry['gap']))
        print(f"{variant} - {entry['base']}: {points}")
    if args.png:
        plot_budget_gaps(gaps, args.png)
        print(f'figure: {args.png}')


if __name__ == '__main__':
    main()
