"""The benchmark matrix: teachers x students x methods x seeds, run resumably, collected into
the paper-style table.

A SPEC is a Python config::

    work_dir = 'work_dirs/matrix_cifar100'
    teachers = dict(resnet56=dict(vanilla='configs/vanilla/resnet56_cifar100.py',
                                  soteacher='configs/soteacher/soteacher_resnet56_cifar100.py'))
    pairs = [dict(teacher='resnet56', student='resnet20', methods=dict(
        student='configs/vanilla/resnet20_cifar100.py',     # no teacher: run once per seed
        kd='configs/kd/kd_r56_r20_cifar100.py',
        sokd_fitnet='configs/sokd/sokd_fitnet_r56_r20_cifar100.py'))]
    teacher_kinds = ['vanilla', 'soteacher']
    seeds = [0, 1, 2]
    cfg_options = dict()            # for every run, e.g. data roots
    # any config entry may also be dict(config='...', cfg_options=dict(...)) for that run only
    launcher = 'none'               # or 'dist' (tools/dist_train.sh, `gpus` each) or 'slurm'
    gpus = 1

Each cell runs ``tools/train.py`` (or ``dist_train.sh`` / ``slurm_train.sh``) in its own
process and work dir; a cell is finished when its ``result.json`` exists. Killed and started
again, the runner skips finished cells and resumes an interrupted one from its last checkpoint.
"""
import glob
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from mmengine.config import Config

from sokd_mm.engine.hooks.safe_checkpoint_hook import (atomic_write_text,
                                                     find_last_complete_checkpoint)


REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# METHODS.md section 3 (CRD/RepDistiller, CIFAR-100 top-1): teacher, student, KD, FitNet, AT, CRD
REFERENCE = {
    ('wrn_40_2', 'wrn_16_2'): (75.61, 73.26, 74.92, 73.58, 74.08, 75.48),
    ('wrn_40_2', 'wrn_40_1'): (75.61, 71.98, 73.54, 72.24, 72.77, 74.14),
    ('resnet56', 'resnet20'): (72.34, 69.06, 70.66, 69.21, 70.55, 71.16),
    ('resnet110', 'resnet32'): (74.31, 71.14, 73.08, 71.06, 72.31, 73.48),
    ('resnet32x4', 'resnet8x4'): (79.42, 72.50, 73.33, 73.50, 73.44, 75.51),
    ('vgg13', 'vgg8'): (74.64, 70.36, 72.98, 71.02, 71.43, 73.94),
    ('resnet50', 'mobilenetv2'): (79.34, 64.60, 67.35, 63.16, 58.58, 69.11),
}
REFERENCE_COLUMNS = ('teacher', 'student', 'kd', 'fitnet', 'at', 'crd')


@dataclass
class Cell:
    name: str
    config: str
    seed: int
    role: str  # 'teacher' or 'student'
    teacher: Optional[str] = None  # name of the teacher cell it distils from
    info: Dict = field(default_factory=dict)
    options: Dict = field(default_factory=dict)


def _entry(entry) -> tuple:
    """(config path, its own cfg_options) of a SPEC config entry."""
    if isinstance(entry, str):
        return entry, {}
    return entry['config'], dict(entry.get('cfg_options', {}))


def load_spec(path: str) -> Config:
    spec = Config.fromfile(path)
    for key in ('work_dir', 'teachers', 'pairs', 'seeds'):
        if key not in spec:
            raise ValueError(f'SPEC {path} has no {key!r}; see sokd_mm/apis/matrix.py for the '
                             'format.')
    return spec


def plan(spec: Config) -> List[Cell]:
    """Teacher cells first (seed of the first entry), then every student cell."""
    kinds = spec.get('teacher_kinds', ['vanilla'])
    cells, teacher_seed = [], spec.seeds[0]
    for arch, configs in spec.teachers.items():
        for kind in kinds:
            if kind not in configs:
                raise ValueError(f'SPEC: teacher {arch} has no {kind!r} config')
            config, options = _entry(configs[kind])
            cells.append(Cell(f'teacher_{arch}_{kind}', config, teacher_seed, 'teacher',
                              info=dict(arch=arch, kind=kind), options=options))
    for pair in spec.pairs:
        for method, entry in pair['methods'].items():
            config, options = _entry(entry)
            needs_teacher = method != 'student'
            for kind in (kinds if needs_teacher else [None]):
                for seed in spec.seeds:
                    teacher = f"teacher_{pair['teacher']}_{kind}" if needs_teacher else None
                    suffix = f'_{kind}' if kind else ''
                    cells.append(Cell(
                        f"{pair['teacher']}_{pair['student']}_{method}{suffix}_seed{seed}",
                        config, seed, 'student', teacher,
                        info=dict(teacher_arch=pair['teacher'], student=pair['student'],
                                  method=method, teacher_kind=kind), options=options))
    return cells


def _final_metrics(work_dir: str) -> Dict:
    """Last validation scalars of a run, from its vis_data/scalars.json files."""
    last = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        for line in open(path):
            record = json.loads(line)
            if 'accuracy/top1' in record:
                last = record
    return last


def _command(spec: Config, cell: Cell, work_dir: str, teacher_ckpt: Optional[str]) -> List[str]:
    merged = dict(spec.get('cfg_options', {}), **cell.options)
    options = [f'{k}={v}' for k, v in merged.items()]
    options.append(f'randomness.seed={cell.seed}')
    if teacher_ckpt:
        options.append(f'model.teacher_ckpt={teacher_ckpt}')
    args = [osp.join(REPO, cell.config) if not osp.isabs(cell.config) else cell.config,
            '--work-dir', work_dir]
    if find_last_complete_checkpoint(work_dir):
        args.append('--resume')
    args += ['--cfg-options', *options]
    launcher = spec.get('launcher', 'none')
    if launcher == 'dist':
        return ['bash', osp.join(REPO, 'tools', 'dist_train.sh'), args[0],
                str(spec.get('gpus', 1)), *args[1:]]
    if launcher == 'slurm':
        return ['bash', osp.join(REPO, 'tools', 'slurm_train.sh'), spec.partition,
                cell.name, args[0], work_dir, *args[3:]]
    return [sys.executable, osp.join(REPO, 'tools', 'train.py'), *args]


def run_matrix(spec_path: str, dry_run: bool = False) -> List[Dict]:
    spec = load_spec(spec_path)
    cells = plan(spec)
    os.makedirs(spec.work_dir, exist_ok=True)
    results: Dict[str, Dict] = {}
    start = time.time()
    for i, cell in enumerate(cells, 1):
        work_dir = osp.join(spec.work_dir, cell.name)
        result_file = osp.join(work_dir, 'result.json')
        if osp.isfile(result_file):
            results[cell.name] = json.load(open(result_file))
            print(f'[{i}/{len(cells)}] {cell.name}: finished before, skipped', flush=True)
            continue
        teacher_ckpt = None
        if cell.teacher:
            teacher_ckpt = results.get(cell.teacher, {}).get('checkpoint') or \
                f'<checkpoint of {cell.teacher}>'  # only reachable in a dry run
        cmd = _command(spec, cell, work_dir, teacher_ckpt)
        print(f'[{i}/{len(cells)}] {cell.name}: {" ".join(cmd)}', flush=True)
        if dry_run:
            continue
        os.makedirs(work_dir, exist_ok=True)
        with open(osp.join(work_dir, 'matrix_run.log'), 'a') as log:
            code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, PYTHONPATH=REPO))
        if code != 0:
            raise RuntimeError(f'{cell.name} failed (exit {code}); see '
                               f'{work_dir}/matrix_run.log. Fix it and run the matrix again: '
                               'finished cells are kept.')
        metrics = _final_metrics(work_dir)
        result = dict(name=cell.name, role=cell.role, config=cell.config, seed=cell.seed,
                      teacher=cell.teacher, top1=metrics.get('accuracy/top1'),
                      checkpoint=find_last_complete_checkpoint(work_dir), **cell.info)
        # A kill never leaves half a result.
        atomic_write_text(result_file, json.dumps(result, indent=2))
        results[cell.name] = result
        elapsed = time.time() - start
        print(f'    top-1 {result["top1"]}; {elapsed / 60:.1f} min so far', flush=True)
    return list(results.values())


def collect(work_dir: str) -> Dict:
    """Group finished cells into rows (pair, teacher kind) x columns (method): mean, std."""
    rows: Dict = {}
    teachers = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'result.json'))):
        r = json.load(open(path))
        if r['role'] == 'teacher':
            teachers[(r['arch'], r['kind'])] = r['top1']
            continue
        key = (r['teacher_arch'], r['student'], r.get('teacher_kind') or '-')
        rows.setdefault(key, {}).setdefault(r['method'], []).append(r['top1'])
    table = []
    for (t, s, kind), methods in sorted(rows.items()):
        row = dict(teacher=t, student=s, teacher_kind=kind,
                   teacher_top1=teachers.get((t, kind)), methods={})
        for method, values in methods.items():
            values = [v for v in values if v is not None]
            row['methods'][method] = dict(
                mean=statistics.mean(values) if values else None,
                std=statistics.stdev(values) if len(values) > 1 else 0.0, n=len(values))
        ref = REFERENCE.get((t, s))
        if ref:
            row['reference'] = dict(zip(REFERENCE_COLUMNS, ref))
        table.append(row)
    return dict(work_dir=work_dir, rows=table)


def collected_markdown(collected: Dict) -> str:
    methods = sorted({m for row in collected['rows'] for m in row['methods']})
    head = (['teacher -> student', 'teacher kind', 'teacher top-1'] + methods
            + ['reference (KD/FitNet/AT/CRD)'])
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for row in collected['rows']:
        cells = [f"{row['teacher']} -> {row['student']}", row['teacher_kind'],
                 f"{row['teacher_top1']:.2f}" if row['teacher_top1'] is not None else '-']
        for m in methods:
            v = row['methods'].get(m)
            cells.append(f"{v['mean']:.2f} +- {v['std']:.2f} (n={v['n']})"
                         if v and v['mean'] is not None else '-')
        ref = row.get('reference')
        cells.append(' / '.join(f"{ref[k]:.2f}" for k in ('kd', 'fitnet', 'at', 'crd'))
                     if ref else '-')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
