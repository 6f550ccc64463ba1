"""Write every method folder's README.md and metafile.yml (configs/<method>/) from its configs
and the committed results JSON: `python tools/misc/method_docs.py [--check]` (--check: exit 1
and name the files that differ, writing nothing)."""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sokd_mm.apis.method_docs import METHODS, dump_metafile, render  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args(argv)
    stale = []
    for method in METHODS:
        readme, metafile = render(method, REPO)
        for name, text in (('README.md', readme), ('metafile.yml', dump_metafile(metafile))):
            path = osp.join(REPO, 'configs', method, name)
            old = open(path).read() if osp.isfile(path) else None
            if old == text:
                continue
            stale.append(osp.relpath(path, REPO))
            if not args.check:
                with open(path, 'w') as f:
                    f.write(text)
    if args.check and stale:
        raise SystemExit(f'Error: out of date: {", ".join(stale)}; run '
                         'python tools/misc/method_docs.py')
    print(f'{len(stale)} file(s) {"would change" if args.check else "written"}.')


if __name__ == '__main__':
    main()
