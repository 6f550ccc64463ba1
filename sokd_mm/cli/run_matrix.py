"""Run a benchmark matrix resumably: `python tools/run_matrix.py SPEC [--dry-run] [--jobs N]
[--runs-per-gpu N] [--fast]`. Finished
cells are skipped, an interrupted one resumes; then `python tools/collect_results.py WORK_DIR`.
The SPEC format is documented in sokd_mm/apis/matrix.py; configs/matrix/ has examples."""
import argparse

from sokd_mm.apis.matrix import run_matrix  # noqa: E402
from sokd_mm.errors import SokdError  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('spec')
    parser.add_argument('--dry-run', action='store_true', help='print the commands only')
    parser.add_argument('--jobs', type=int, default=1,
                        help='cells run at once (CPU threads are shared out among them)')
    parser.add_argument('--runs-per-gpu', type=int,
                        help='cells run at once on each visible GPU (overrides --jobs)')
    parser.add_argument('--fast', action='store_true',
                        help='train every cell with tools/train.py --fast (the fast runtime)')
    args = parser.parse_args(argv)
    try:
        results = run_matrix(args.spec, args.dry_run, args.jobs, args.runs_per_gpu, args.fast)
    except SyntaxError as e:
        raise SystemExit(f'Error: the SPEC {args.spec} is not valid Python: {e.msg} (line '
                         f'{e.lineno}).') from None
    except SokdError as e:
        raise SystemExit(f'Error: {e}') from None
    print(f'{len(results)} cells finished.')


if __name__ == '__main__':
    main()
