"""Each method folder's ``README.md`` and ``metafile.yml`` (mmpretrain's metafile schema),
generated from the configs in the folder and the committed results JSON (``docs/results/``):
``python tools/misc/results_docs.py`` writes them, ``tests/test_configs/test_method_docs.py``
fails when a committed file differs from what the JSON and the configs give.

Measured rows come from the studies' JSON (test-split top-1, mean +- std over seeds, with the
command and commit that produced them); every other config gets a row "not yet run" with the
published number beside it where the paper has one.
"""
import glob
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

from .matrix import REFERENCE, REFERENCE_COLUMNS, load_spec

ARCH = {'r8': 'resnet8', 'r14': 'resnet14', 'r18': 'resnet18', 'r20': 'resnet20',
        'r32': 'resnet32', 'r34': 'resnet34', 'r44': 'resnet44', 'r56': 'resnet56',
        'r110': 'resnet110', 'r32x4': 'resnet32x4', 'r8x4': 'resnet8x4', 'r50': 'resnet50',
        'wrn40x2': 'wrn_40_2', 'wrn16x2': 'wrn_16_2', 'wrn40x1': 'wrn_40_1', 'vgg13': 'vgg13',
        'vgg8': 'vgg8', 'mv2': 'mobilenetv2', 'shv1': 'shufflev1', 'shv2': 'shufflev2'}
DATASETS = (('fashion_mnist', 'Fashion-MNIST'), ('tinyimagenet', 'Tiny-ImageNet'),
            ('cifar100', 'CIFAR-100'), ('imagenet', 'ImageNet'), ('digits', 'digits'))
# Published CIFAR-100 top-1 of the student: the CRD paper's table (REFERENCE, for KD, FitNet,
# AT, CRD and the plain networks) and the DKD and ReviewKD papers' tables.
PAPER = {
    'dkd': {('resnet56', 'resnet20'): 71.97, ('resnet110', 'resnet32'): 74.11,
            ('resnet32x4', 'resnet8x4'): 76.32, ('wrn_40_2', 'wrn_16_2'): 76.24,
            ('wrn_40_2', 'wrn_40_1'): 74.81, ('vgg13', 'vgg8'): 74.68},
    'reviewkd': {('resnet56', 'resnet20'): 71.89, ('resnet110', 'resnet32'): 73.89,
                 ('resnet32x4', 'resnet8x4'): 75.63, ('wrn_40_2', 'wrn_16_2'): 76.12,
                 ('wrn_40_2', 'wrn_40_1'): 75.09, ('vgg13', 'vgg8'): 74.84},
}
METHODS = {
    'vanilla': dict(name='Vanilla', title='Standard training with cross-entropy (the CIFAR '
                    'model zoo of the CRD/RepDistiller suite)', technique='Cross-entropy',
                    paper=('Contrastive Representation Distillation (the zoo and its recipe)',
                           'https://arxiv.org/abs/1910.10699'), bibtex='crd'),
    'soteacher': dict(name='SoTeacher', title='SoTeacher: teachers trained for their students',
                      technique='Lipschitz and consistency regularisation',
                      paper=('Toward Student-Oriented Teacher Network Training for Knowledge '
                             'Distillation', 'https://arxiv.org/abs/2206.06661'),
                      bibtex='soteacher', guide='docs/en/user_guides/soteacher.md'),
    'kd': dict(name='KD', title='KD: distilling the knowledge in a neural network',
               technique='Knowledge Distillation',
               paper=('Distilling the Knowledge in a Neural Network',
                      'https://arxiv.org/abs/1503.02531'), bibtex='kd'),
    'fitnet': dict(name='FitNet', title='FitNet: hints for thin deep nets',
                   technique='Knowledge Distillation',
                   paper=('FitNets: Hints for Thin Deep Nets', 'https://arxiv.org/abs/1412.6550'),
                   bibtex='fitnet'),
    'at': dict(name='AT', title='AT: attention transfer', technique='Knowledge Distillation',
               paper=('Paying More Attention to Attention: Improving the Performance of '
                      'Convolutional Neural Networks via Attention Transfer',
                      'https://arxiv.org/abs/1612.03928'), bibtex='at'),
    'dkd': dict(name='DKD', title='DKD: decoupled knowledge distillation',
                technique='Knowledge Distillation',
                paper=('Decoupled Knowledge Distillation', 'https://arxiv.org/abs/2203.08679'),
                bibtex='dkd'),
    'crd': dict(name='CRD', title='CRD: contrastive representation distillation',
                technique='Knowledge Distillation',
                paper=('Contrastive Representation Distillation',
                       'https://arxiv.org/abs/1910.10699'), bibtex='crd'),
    'reviewkd': dict(name='ReviewKD', title='ReviewKD: distilling knowledge via knowledge review',
                     technique='Knowledge Distillation',
                     paper=('Distilling Knowledge via Knowledge Review',
                            'https://arxiv.org/abs/2104.09044'), bibtex='reviewkd'),
    'sokd': dict(name='SoKD', title='SoKD: student-oriented teacher knowledge refinement',
                 technique='Knowledge Distillation',
                 paper=('Student-Oriented Teacher Knowledge Refinement for Knowledge '
                        'Distillation', 'https://doi.org/10.1145/3664647.3680595'),
                 bibtex='sokd', guide='docs/en/user_guides/sokd.md'),
}
BIBTEX = {
    'crd': ('tian2020crd', 'Contrastive Representation Distillation',
            'Tian, Yonglong and Krishnan, Dilip and Isola, Phillip',
            'International Conference on Learning Representations (ICLR)', 2020),
    'soteacher': ('dong2024soteacher', 'Toward Student-Oriented Teacher Network Training for '
                  'Knowledge Distillation', 'Dong, Chengyu and Liu, Liyuan and Shang, Jingbo',
                  'International Conference on Learning Representations (ICLR)', 2024),
    'kd': ('hinton2015kd', 'Distilling the Knowledge in a Neural Network',
           'Hinton, Geoffrey and Vinyals, Oriol and Dean, Jeff',
           'NIPS Deep Learning and Representation Learning Workshop', 2015),
    'fitnet': ('romero2015fitnets', 'FitNets: Hints for Thin Deep Nets',
               'Romero, Adriana and Ballas, Nicolas and Kahou, Samira Ebrahimi and Chassang, '
               'Antoine and Gatta, Carlo and Bengio, Yoshua',
               'International Conference on Learning Representations (ICLR)', 2015),
    'at': ('zagoruyko2017at', 'Paying More Attention to Attention: Improving the Performance '
           'of Convolutional Neural Networks via Attention Transfer',
           'Zagoruyko, Sergey and Komodakis, Nikos',
           'International Conference on Learning Representations (ICLR)', 2017),
    'dkd': ('zhao2022dkd', 'Decoupled Knowledge Distillation',
            'Zhao, Borui and Cui, Quan and Song, Renjie and Qiu, Yiyu and Liang, Jiajun',
            'IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)', 2022),
    'reviewkd': ('chen2021reviewkd', 'Distilling Knowledge via Knowledge Review',
                 'Chen, Pengguang and Liu, Shu and Zhao, Hengshuang and Jia, Jiaya',
                 'IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)', 2021),
    'sokd': ('shen2024sokd', 'Student-Oriented Teacher Knowledge Refinement for Knowledge '
             'Distillation', 'Shen, Chaomin and Huang, Yaomin and Zhu, Haokun and Fan, Jinsong '
             'and Zhang, Guixu', 'Proceedings of the 32nd ACM International Conference on '
             'Multimedia', 2024),
}
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


def config_facts(path: str) -> Tuple[str, Optional[str], Optional[str]]:
    """(dataset label, teacher arch, student arch) read from a config's file name."""
    stem = osp.splitext(osp.basename(path))[0]
    dataset = next((label for key, label in DATASETS if f'_{key}' in stem), '-')
    codes = [ARCH[t] for t in stem.split('_') if t in ARCH]
    if len(codes) >= 2:
        return dataset, codes[0], codes[1]
    arch = re.sub(r'^soteacher_', '', stem)
    key = next((k for k, _ in DATASETS if f'_{k}' in arch), None)
    arch = arch.split(f'_{key}')[0] if key else arch
    return dataset, None, arch


def _reference(method: str, path: str) -> Optional[float]:
    dataset, teacher, student = config_facts(path)
    if dataset != 'CIFAR-100' or '_480e' in path or method in ('soteacher', 'sokd'):
        return None  # the CRD table has no SoTeacher or SoKD rows
    if teacher is None:  # a plain network: the CRD table's teacher and student columns
        for (t, s), numbers in REFERENCE.items():
            if student in (t, s):
                return numbers[0] if student == t else numbers[1]
        return None
    if method in PAPER:
        return PAPER[method].get((teacher, student))
    numbers = REFERENCE.get((teacher, student))
    if numbers and method in REFERENCE_COLUMNS:
        return numbers[REFERENCE_COLUMNS.index(method)]
    return None


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

        from .matrix import train_budget
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
    key, title, authors, venue, year = BIBTEX[info['bibtex']]
    lines = [f"# {info['title']}", '',
             f"> [{info['paper'][0]}]({info['paper'][1]})", '']
    if info.get('guide'):
        lines += [f"How to use it, its options and its logs: "
                  f"[{info['guide']}](../../{info['guide']})", '']
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
                     f'{_number(_reference(method, path))} |')
    lines += ['', '## Citation', '', '```bibtex', f'@inproceedings{{{key},',
              f'  title     = {{{title}}},', f'  author    = {{{authors}}},',
              f'  booktitle = {{{venue}}},', f'  year      = {{{year}}}', '}', '```', '']
    models = []
    for path in configs:
        dataset, teacher, student = config_facts(path)
        model = {'Name': osp.splitext(osp.basename(path))[0], 'In Collection': info['name'],
                 'Metadata': {'Training Data': dataset,
                              'Architecture': [a for a in (teacher, student) if a]},
                 'Config': path}
        results = [{'Task': 'Image Classification', 'Dataset': config_facts(r['config'])[0],
                    'Metrics': {'Top 1 Accuracy': round(r['top1'], 2)}}
                   for r in measured if r['config'] == path and r['top1'] is not None]
        if results:
            model['Results'] = results
        models.append(model)
    metafile = {'Collections': [{'Name': info['name'],
                                 'Metadata': {'Training Data': sorted({config_facts(p)[0]
                                                                       for p in configs}),
                                              'Training Techniques': [info['technique']]},
                                 'Paper': {'Title': info['paper'][0], 'URL': info['paper'][1]},
                                 'README': f'configs/{method}/README.md'}],
                'Models': models}
    return '\n'.join(lines), metafile


def dump_metafile(metafile: dict) -> str:
    import yaml
    return yaml.safe_dump(metafile, sort_keys=False, width=100, allow_unicode=True)
