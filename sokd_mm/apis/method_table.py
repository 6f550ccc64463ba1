"""One row per method of a matrix work dir: held-out and test top-1 over seeds, and what the
training log says in the first and the last epoch (student CE, distillation terms, the DAM's
diagnostics). Written for ablations, where the columns of ``collect`` would be the variants.

``collect_methods(work_dir)`` gives the data (committed as JSON); ``methods_markdown`` the
table, from that data alone, so a committed table can be checked against its JSON.
"""
import os.path as osp
import statistics
from typing import Dict, List, Optional

from sokd_mm.apis.run_records import finished_runs, scalar_records, seed_stats, training_records
from sokd_mm.errors import SpecError

# Logged training scalars kept per epoch (a prefix match; SoKD's terms carry the hint name).
WATCHED = ('student.loss', 'distill.loss_hint', 'distill.loss_kd', 'distill.loss_sokd_area',
           'distill.loss_sokd_agreement', 'distill.sokd_dam_dead', 'distill.sokd_dam_first_k')
COLUMNS = (('student.loss', 'CE'), ('distill.loss_hint', 'hint'),
           ('distill.loss_sokd_area', 'L_DA'), ('distill.loss_sokd_agreement', 'L_D'),
           ('distill.sokd_dam_dead', 'DAM dead'))


def _epoch_scalars(cell_dir: str) -> Dict[int, Dict[str, float]]:
    """The last logged training record of every epoch, watched keys only."""
    epochs: Dict[int, Dict[str, float]] = {}
    for record in training_records(scalar_records(cell_dir)):
        kept = {key: float(value) for key, value in record.items()
                if any(key.startswith(w) for w in WATCHED)}
        if 'student.loss' not in kept:  # a model trained alone logs its CE as 'loss'
            kept['student.loss'] = float(record['loss'])
        epochs[int(record['epoch'])] = kept
    return epochs


def collect_methods(work_dir: str, methods: Optional[List[str]] = None,
                    seeds: Optional[List[int]] = None) -> Dict:
    """``{'work_dir', 'methods': {method: {'top1', 'test_top1', 'first_epoch', 'last_epoch',
    'seeds'}}}`` over the finished student cells (teacher kind folded into the method name
    when a SPEC has several), only ``methods`` and ``seeds`` when given (a work dir shared by
    several SPECs)."""
    cells: Dict[str, List[Dict]] = {}
    teachers = {}
    for path, result in finished_runs(work_dir):
        if result.get('role') == 'teacher':
            teachers[result['name']] = {k: result.get(k) for k in ('top1', 'nll', 'ece')}
        if result.get('role') != 'student' or (seeds is not None and
                                               result.get('seed') not in seeds):
            continue
        method = result['method']
        if methods is not None and method not in methods:
            continue
        if result.get('teacher_kind') not in (None, 'vanilla'):
            method += f"@{result['teacher_kind']}"
        result['epochs'] = _epoch_scalars(osp.dirname(path))
        cells.setdefault(method, []).append(result)
    if not cells:
        raise SpecError(f'{work_dir} holds no finished student cell (<cell>/result.json).')
    methods = {}
    for method, results in cells.items():
        row = dict(seeds=[r['seed'] for r in results],
                   top1=seed_stats([r.get('top1') for r in results]),
                   test_top1=seed_stats([r.get('test_top1') for r in results]))
        for name, pick in (('first_epoch', min), ('last_epoch', max)):
            per_seed = [r['epochs'][pick(r['epochs'])] for r in results if r['epochs']]
            keys = sorted({k for record in per_seed for k in record})
            row[name] = {k: statistics.mean(rec[k] for rec in per_seed if k in rec)
                         for k in keys}
        methods[method] = row
    return dict(work_dir=work_dir, methods=methods, teachers=teachers)


def _term(record: Dict[str, float], prefix: str) -> Optional[float]:
    values = [v for k, v in record.items() if k.startswith(prefix)]
    return sum(values) if values else None


def methods_markdown(collected: Dict, order: Optional[List[str]] = None,
                     labels: Optional[Dict[str, str]] = None) -> str:
    """The table: method, test top-1, held-out top-1, then each watched term in the first and
    the last epoch (``-`` where a method has no such term)."""
    order = order or sorted(collected['methods'])
    labels = labels or {}
    # A SPEC without test_after validates on the test split itself: one score column.
    tested = any(row['test_top1']['n'] for row in collected['methods'].values())
    head = ['method', 'test top-1 (%)', 'held-out top-1 (%)'] if tested else \
        ['method', 'top-1 (%) on the validation split']
    for _, short in COLUMNS:
        head += [f'{short} ep. 1', f'{short} last']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]

    def stat(s):
        if not s or s['mean'] is None:
            return '-'
        return f"{s['mean']:.2f} +- {s['std']:.2f} (n={s['n']})" if s['n'] > 1 \
            else f"{s['mean']:.2f}"

    def num(v):
        return '-' if v is None else (f'{v:.3f}' if abs(v) < 100 else f'{v:.1f}')

    for method in order:
        row = collected['methods'][method]
        cells = [labels.get(method, method)] + (
            [stat(row['test_top1']), stat(row['top1'])] if tested else [stat(row['top1'])])
        for key, _ in COLUMNS:
            cells += [num(_term(row['first_epoch'], key)), num(_term(row['last_epoch'], key))]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
