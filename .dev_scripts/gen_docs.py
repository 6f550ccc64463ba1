"""Regenerate every results table of the docs from the committed JSON:
``python .dev_scripts/gen_docs.py [--check]`` (``--check``: exit 1 naming the files that
differ, writing nothing; run by the tests). Developer tooling, outside the package (as
mmpretrain's ``.dev_scripts/``): it imports ``sokd_mm`` and its neighbours here, nothing from
the repository's other folders. What it writes:

- study tables in ``docs/en/*.md``: each sits between ``<!-- generated from <json> -->`` and
  ``<!-- end of generated table -->`` and is the JSON rendered by the collector that wrote it
  (``tools/collect_results.py`` per method, or teacher kinds x methods);
- the benchmarks table in ``docs/en/benchmarks.md``, from ``benchmarks/results/*.json``;
- a budget study's gaps (``docs/results/<study>_*e_<data>.json``, a ``*`` in the path): each
  SoKD variant's test top-1 minus its base's at every budget (``budget_study``);
- each method folder's ``README.md`` and ``metafile.yml`` (``method_docs``).
"""
import argparse
import glob
import json
import os.path as osp
import re
from typing import Dict

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

BEGIN = '<!-- generated from {} -->'
END = '<!-- end of generated table -->'
BLOCK = re.compile(r'<!-- generated from (\S+) -->\n(?:(.*?)\n)??' + re.escape(END), re.S)


def render_json_table(repo: str, results: str) -> str:
    """The table a committed results JSON stands for."""
    if results.startswith('benchmarks/'):  # the folder of benchmark JSON
        from benchmark_report import rows
        return '\n'.join(rows())
    if '*' in results:  # a budget study's per-budget files: the SoKD gaps per budget
        from sokd_mm.apis.budget_study import budget_gaps, gaps_markdown
        files = sorted(glob.glob(osp.join(repo, results)))
        per_budget = {}
        for path in files:
            data = json.load(open(path))
            per_budget[data['meta']['epochs']] = data
        return gaps_markdown(budget_gaps(per_budget))
    data = json.load(open(osp.join(repo, results)))
    if 'rows' in data:
        from sokd_mm.apis.matrix import collected_markdown
        return collected_markdown(data)
    from sokd_mm.apis.method_table import methods_markdown
    return methods_markdown(data, data['order'])


def render_docs(repo: str) -> Dict[str, str]:
    """Path (relative to ``repo``) -> the text it should have."""
    from method_docs import dump_metafile, render

    from sokd_mm.apis.method_catalogue import METHODS
    out = {}
    for path in sorted(glob.glob(osp.join(repo, 'docs', 'en', '**', '*.md'), recursive=True)):
        text = open(path).read()
        new = BLOCK.sub(lambda m: BEGIN.format(m[1]) + '\n' + render_json_table(repo, m[1])
                        + '\n' + END, text)
        if BLOCK.search(text):
            out[osp.relpath(path, repo)] = new
    for method in METHODS:
        readme, metafile = render(method, repo)
        out[f'configs/{method}/README.md'] = readme
        out[f'configs/{method}/metafile.yml'] = dump_metafile(metafile)
    # what `mim search sokd_mm` reads (shipped as sokd_mm/.mim/model-index.yml)
    out['model-index.yml'] = 'Import:\n' + ''.join(
        f'- configs/{method}/metafile.yml\n' for method in sorted(METHODS))
    return out


def stale_docs(repo: str) -> Dict[str, str]:
    """The files whose committed text differs from what their sources give."""
    return {path: text for path, text in render_docs(repo).items()
            if not osp.isfile(osp.join(repo, path)) or open(osp.join(repo, path)).read() != text}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args(argv)
    stale = stale_docs(REPO)
    if args.check:
        if stale:
            raise SystemExit(f'Error: out of date: {", ".join(sorted(stale))}; run '
                             'python .dev_scripts/gen_docs.py')
        print('Every generated table matches its JSON.')
        return
    for path, text in stale.items():
        with open(osp.join(REPO, path), 'w') as f:
            f.write(text)
    print(f'{len(stale)} file(s) written.')


if __name__ == '__main__':
    main()
