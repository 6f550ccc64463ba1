"""Turn a matrix work dir into the paper-style table (mean +- std over seeds, METHODS.md
reference numbers alongside): `python tools/collect_results.py WORK_DIR` writes
WORK_DIR/results.md and WORK_DIR/results.json."""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from sokd_mm.apis.matrix import collect, collected_markdown  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('work_dir')
    args = parser.parse_args(argv)
    if not osp.isdir(args.work_dir):
        raise SystemExit(f'Error: {args.work_dir} is not a directory')
    try:
        collected = collect(args.work_dir)
    except ValueError as error:
        raise SystemExit(f'Error: {error}') from None
    table = collected_markdown(collected)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(collected, f, indent=2)
    print(table)


if __name__ == '__main__':
    main()
