"""Each method folder's ``README.md`` and ``metafile.yml`` (mmpretrain's metafile schema),
generated from the configs in the folder and the committed results JSON (``docs/results/``):
``python .dev_scripts/gen_docs.py`` writes them, ``tests/test_configs/test_method_docs.py``
fails when a committed file differs from what the JSON and the configs give.

Measured rows come from the studies' JSON (test-split top-1, mean +- std over seeds, with the
command and commit that produced them); every other config gets a row "not yet run" with the
published number beside it where the paper has one.
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Tuple

from sokd_mm.apis.matrix import load_spec
from sokd_mm.apis.method_catalogue import BIBTEX, METHODS, config_facts, reference_top1

# The studies whose JSON feeds the READMEs: (results JSON, SPEC, teacher label).
SOURCES = (
    ('docs/results/sokd_plus_fashion_mnist.json', 'configs/matrix/fashion_mnist_sokd_plus.py',
     'ResNet20'),
    ('docs/results/sokd_plus_digits.json', 'configs/matrix/digits_sokd_plus.py', 'ResNet20'),
    ('docs/results/teacher_study_fashion_mnist.json',
     'configs/matrix/fashion_mnist_teacher_study.py', None),
    ('docs/results/soteacher_regime_fashion_mnist.json',
     'configs/matrix/fashion_mnist_soteacher_regime.py', None),
)


def _spec_entries(spec) -> Dict[str, object]:
    return {method: entry for pair in spec.pairs for method, entry in pair['methods'].items()}


def _config_of(entry) -> str:
    return entry if isinstance(entry, str) else entry['config']


_BUDGETS: Dict[tuple, str] = {}


def _budget(repo: str, spec, entry) -> str:
    """'E epochs, N images': what a SPEC entry trains (its config with the SPEC's and its own
    options), so that a row says which recipe its number comes from."""
    config = _config_of(entry)
    options = {**spec.get('cfg_options', {}),
               **({} if isinstance(entry, str) else entry.get('cfg_options', {}))}
    key = (config, repr(sorted(options.items())))
    if key not in _BUDGETS:
        from mmengine.config import Config

        from sokd_mm.apis.matrix import train_budget
        cfg = Config.fromfile(osp.join(repo, config))
        cfg.merge_from_dict(options)
        epochs, images = train_budget(cfg)
        _BUDGETS[key] = f"{epochs} epochs, {f'{images:,}' if images else 'all'} images"
    return _BUDGETS[key]


def _recipe(spec, entry) -> str:
    """What trains a SPEC entry, exactly: its config and every option set on it."""
    options = {**spec.get('cfg_options', {}),
               **({} if isinstance(entry, str) else entry.get('cfg_options', {}))}
    return repr((_config_of(entry), sorted(options.items(), key=lambda kv: kv[0])))


def _teacher_entry(spec, arch: str, kind: str):
    entry = spec.teachers[arch][kind]
    return spec.teachers[arch][entry['of']] if isinstance(entry, dict) and 'of' in entry \
        else entry


def measured_rows(repo: str) -> List[Dict]:
    """Every measured (config, budget, teacher) row of the committed studies; a row two
    studies share (the same recipe and the same numbers: the same runs) appears once, citing
    both."""
    rows = []
    for results, spec_path, teacher in SOURCES:
        path = osp.join(repo, results)
        if not osp.isfile(path):
            continue
        data = json.load(open(path))
        spec = load_spec(osp.join(repo, spec_path))
        entries = _spec_entries(spec)
        meta = data.get('meta', {})
        if 'rows' in data:  # tools/collect_results.py (teacher kinds x methods)
            for row in data['rows']:
                kind = row['teacher_kind']
                source = _teacher_entry(spec, row['teacher'], kind)
                label = f'ResNet20 "{kind}", {_budget(repo, spec, source)}'
                rows.append(dict(config=_config_of(source), teacher='-',
                                 recipe=_recipe(spec, source),
                                 budget=_budget(repo, spec, source), top1=row['teacher_top1'],
                                 std=None, n=1, results=[results], meta=meta,
                                 note=f'teacher "{kind}"'))
                for method, stats in row['methods'].items():
                    if method == 'student' and kind != data['rows'][0]['teacher_kind']:
                        continue  # the student alone is the same in every row
                    entry = entries[method]
                    rows.append(dict(config=_config_of(entry), results=[results], meta=meta,
                                     budget=_budget(repo, spec, entry),
                                     recipe=_recipe(spec, entry),
                                     teacher='-' if method == 'student' else label,
                                     top1=stats['mean'], std=stats['std'], n=stats['n'],
                                     note=method))
        else:  # tools/collect_results.py --by-method
            arch, kinds = next(iter(spec.teachers.items()))
            source = _teacher_entry(spec, arch, spec.get('teacher_kinds', ['vanilla'])[0])
            label = f'{teacher}, {_budget(repo, spec, source)}'
            for method in data['order']:
                scores = data['methods'][method]
                # a SPEC that validates on the test split (the digits) has no test_top1
                stats = scores['test_top1'] if scores['test_top1'].get('n') else scores['top1']
                entry = entries[method]
                rows.append(dict(config=_config_of(entry), results=[results], meta=meta,
                                 budget=_budget(repo, spec, entry), recipe=_recipe(spec, entry),
                                 teacher='-' if method == 'student' else label,
                                 top1=stats['mean'], std=stats['std'], n=stats['n'],
                                 note=method))
    merged: Dict[tuple, Dict] = {}
    for row in rows:
        key = (row.pop('recipe'), row['top1'], row['std'], row['n'])
        if key in merged:
            first = merged[key]
            first['results'] += [r for r in row['results'] if r not in first['results']]
            if row['note'] and row['note'] not in first['note'].split(', '):
                first['note'] = ', '.join(n for n in (first['note'], row['note']) if n)
        else:
            merged[key] = row
    return list(merged.values())


def _number(value, std=None) -> str:
    if value is None:
        return '-'
    return f'{value:.2f}' + (f' +- {std:.2f}' if std is not None else '')


def render(method: str, repo: str) -> Tuple[str, dict]:
    """(README text, metafile dict) of ``configs/<method>/``."""
    info = METHODS[method]
    folder = osp.join(repo, 'configs', method)
    configs = sorted(osp.relpath(p, repo) for p in glob.glob(osp.join(folder, '*.py')))
    measured = [r for r in measured_rows(repo) if osp.dirname(r['config']) == f'configs/{method}']
    key, title, authors, venue, year = BIBTEX[info.bibtex]
    lines = [f"# {info.title}", '',
             f"> [{info.paper[0]}]({info.paper[1]})", '']
    if info.guide:
        lines += [f"How to use it, its options and its logs: "
                  f"[{info.guide}](../../{info.guide})", '']
    lines += ['## Results (measured)', '']
    if measured:
        lines += ['Test-split top-1 (%), mean +- std over seeds, of the recipe the row names: '
                  'the config with the study\'s budget (epochs and training images; the '
                  'teacher\'s own in its column). Each row\'s JSON records the command, commit, '
                  'machine and date.', '',
                  '| config | data | budget | teacher | top-1 (%) | seeds | results | '
                  'study entry |', '|---|---|---|---|---:|---:|---|---|']
        for r in measured:
            name = osp.basename(r['config'])
            links = ', '.join(f'[{osp.basename(p)}](../../{p})' for p in r['results'])
            lines.append(f"| [{name}]({name}) | {config_facts(r['config'])[0]} | {r['budget']} | "
                         f"{r['teacher']} | "
                         f"{_number(r['top1'], r['std'] if r['n'] > 1 else None)} | {r['n']} | "
                         f"{links} | {r['note']} |")
    else:
        lines.append('No study has measured these configs yet.')
    lines += ['', '## All configs', '',
              'Rows not measured here say "not yet run"; "measured (above)" means a study ran the '
              'config at the budget its row states, which may differ from the config\'s own '
              'schedule; "paper" is the published CIFAR-100 top-1 of that method and pair (the '
              'CRD, DKD and ReviewKD papers\' tables).', '',
              '| config | data | teacher -> student | here | paper |', '|---|---|---|---|---:|']
    measured_configs = {r['config'] for r in measured}
    for path in configs:
        dataset, teacher, student = config_facts(path)
        name = osp.basename(path)
        pair = f'{teacher} -> {student}' if teacher else student
        here = 'measured (above)' if path in measured_configs else 'not yet run'
        lines.append(f'| [{name}]({name}) | {dataset} | {pair} | {here} | '
                     f'{_number(reference_top1(method, path))} |')
    lines += ['', '## Citation', '', '```bibtex', f'@inproceedings{{{key},',
              f'  title     = {{{title}}},', f'  author    = {{{authors}}},',
              f'  booktitle = {{{venue}}},', f'  year      = {{{year}}}', '}', '```', '']
    models = []
    for path in configs:
        dataset, teacher, student = config_facts(path)
        model = {'Name': osp.splitext(osp.basename(path))[0], 'In Collection': info.name,
                 'Metadata': {'Training Data': dataset,
                              'Architecture': [a for a in (teacher, student) if a]},
                 'Config': path}
        results = [{'Task': 'Image Classification', 'Dataset': config_facts(r['config'])[0],
                    'Metrics': {'Top 1 Accuracy': round(r['top1'], 2)}}
                   for r in measured if r['config'] == path and r['top1'] is not None]
        if results:
            model['Results'] = results
        models.append(model)
    metafile = {'Collections': [{'Name': info.name,
                                 'Metadata': {'Training Data': sorted({config_facts(p)[0]
                                                                       for p in configs}),
                                              'Training Techniques': [info.technique]},
                                 'Paper': {'Title': info.paper[0], 'URL': info.paper[1]},
                                 'README': f'configs/{method}/README.md'}],
                'Models': models}
    return '\n'.join(lines), metafile


def dump_metafile(metafile: dict) -> str:
    import yaml
    return yaml.safe_dump(metafile, sort_keys=False, width=100, allow_unicode=True)
