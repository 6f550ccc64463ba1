"""Turn a matrix work dir into the paper-style table (mean +- std over seeds, docs/en/methods.md
reference numbers alongside): `python tools/collect_results.py WORK_DIR` writes
WORK_DIR/results.md and WORK_DIR/results.json (`--metric test_top1`: the test-split scores of a
SPEC with `test_after = True`, written to results_test_top1.md/.json; `--by-method`: one row per
method with held-out and test top-1 and the first/last epoch's logged terms, for ablations,
written to results_methods.md/.json)."""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from sokd_mm.apis.matrix import METRICS, collect, collected_markdown  # noqa: E402
from sokd_mm.errors import SokdError  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('work_dir')
    parser.add_argument('--metric', choices=sorted(METRICS), default='top1')
    parser.add_argument('--by-method', action='store_true')
    parser.add_argument('--spec', help='rows in the order of this SPEC\'s methods (with '
                        '--by-method) or teacher kinds, and its seeds recorded (default: '
                        'alphabetical)')
    args = parser.parse_args(argv)
    if not osp.isdir(args.work_dir):
        raise SystemExit(f'Error: {args.work_dir} is not a directory')
    if args.by_method:
        from sokd_mm.apis.method_table import collect_methods, methods_markdown
        listed = seeds = None
        if args.spec:
            from sokd_mm.apis.matrix import load_spec
            spec = load_spec(args.spec)
            listed = [m for pair in spec.pairs for m in pair['methods']]
            seeds = list(spec.seeds)
        try:
            collected = collect_methods(args.work_dir, listed, seeds)
        except SokdError as error:
            raise SystemExit(f'Error: {error}') from None
        collected['order'] = [m for m in listed or sorted(collected['methods'])
                              if m in collected['methods']]
        collected['meta'] = dict(run_meta(), seeds=seeds)
        _write(args.work_dir, 'results_methods', collected,
               methods_markdown(collected, collected['order']))
        return
    try:
        collected = collect(args.work_dir, args.metric)
    except SokdError as error:
        raise SystemExit(f'Error: {error}') from None
    collected['meta'] = run_meta()
    if args.spec:  # rows in the SPEC's teacher order; the seeds it asked for
        from sokd_mm.apis.matrix import load_spec
        spec = load_spec(args.spec)
        kinds = list(spec.get('teacher_kinds', ['vanilla']))
        collected['rows'].sort(key=lambda r: kinds.index(r['teacher_kind'])
                               if r['teacher_kind'] in kinds else len(kinds))
        collected['meta']['seeds'] = list(spec.seeds)
    stem = 'results' if args.metric == 'top1' else f'results_{args.metric}'
    _write(args.work_dir, stem, collected, collected_markdown(collected))


def run_meta() -> dict:
    """What a committed results file says about where it comes from."""
    import datetime
    import os
    import platform
    import subprocess
    try:
        commit = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True,
                                cwd=osp.dirname(osp.abspath(__file__))).stdout.strip()
    except OSError:
        commit = None
    return dict(command='python tools/collect_results.py ' + ' '.join(sys.argv[1:]),
                commit=commit or None, date=datetime.date.today().isoformat(),
                machine=f'{platform.machine()}, {os.cpu_count()} CPU cores, '
                        f'Python {platform.python_version()}')


def _write(work_dir: str, stem: str, collected: dict, table: str) -> None:
    with open(osp.join(work_dir, stem + '.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(work_dir, stem + '.json'), 'w') as f:
        json.dump(collected, f, indent=2)
    print(table)


if __name__ == '__main__':
    main()
