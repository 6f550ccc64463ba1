"""Regenerate every results table of the docs from the committed JSON: the study tables of
docs/en/ (between their `<!-- generated from ... -->` markers), the benchmarks table, and each
method folder's README.md and metafile.yml. `python tools/misc/results_docs.py [--check]`
(--check: exit 1 naming the files that differ, writing nothing)."""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sokd_mm.apis.results_docs import stale_docs  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args(argv)
    stale = stale_docs(REPO)
    if args.check:
        if stale:
            raise SystemExit(f'Error: out of date: {", ".join(sorted(stale))}; run '
                             'python tools/misc/results_docs.py')
        print('Every generated table matches its JSON.')
        return
    for path, text in stale.items():
        with open(osp.join(REPO, path), 'w') as f:
            f.write(text)
    print(f'{len(stale)} file(s) written.')


if __name__ == '__main__':
    main()
