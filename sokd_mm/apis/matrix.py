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
    train_args = []                 # tools/train.py flags for every run, e.g. ['--fast']
    # any config entry may also be dict(config='...', cfg_options=dict(...)) for that run only,
    # and train_args=[...] to replace the SPEC's flags for it (e.g. [] for CRD, whose dataset
    # wrapper the fast runtime refuses)
    launcher = 'none'               # or 'dist' (tools/dist_train.sh, `gpus` each) or 'slurm'
    gpus = 1
    test_after = False              # True: also score each student's final checkpoint on the
                                    # test split (``test_top1``), for SPECs that validate on a
                                    # split held out of the training set
    teacher_train_images = None     # cfg_options pointing the test loader at the students'
                                    # training images: teachers are scored there too
                                    # (``train_top1``, ``train_nll``, ``train_ece``)

A teacher entry may also name the checkpoint its students distil from, and reuse another
teacher kind's training run instead of training its own::

    teachers = dict(resnet20=dict(
        vanilla=dict(config='configs/vanilla/resnet20_fashion_mnist.py', checkpoint='last'),
        early_stopped=dict(of='vanilla', checkpoint='best'),    # best validation epoch
        epoch5=dict(of='vanilla', checkpoint='epoch_5')))       # a fixed early epoch

``checkpoint`` is 'last' (default), 'best' (the run's ``save_best`` file) or 'epoch_N';
``distil=False`` scores a teacher kind without training students from it.

Each cell runs ``tools/train.py`` (or ``dist_train.sh`` / ``slurm_train.sh``) in its own
process and work dir; a cell is finished when its ``result.json`` exists. Killed and started
again, the runner skips finished cells and resumes an interrupted one from its last checkpoint.
"""
import glob
import json
import os
import os.path as osp
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from mmengine.config import Config

from sokd_mm.engine.hooks.safe_checkpoint_hook import (atomic_write_text, checkpoint_files,
                                                     find_last_complete_checkpoint)
from sokd_mm.apis.method_catalogue import REFERENCE, REFERENCE_COLUMNS, table_rank
from sokd_mm.apis.run_records import (finished_runs, last_validation, scalar_records, seed_stats,
                                      validation_top1_at)
from sokd_mm.errors import RunFailedError, SpecError
from sokd_mm.apis.scheduler import FinishedHandle, run_scheduled
from sokd_mm.utils.config_helpers import CONFIG_ROOT


REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# the shipped configs and tools: the checkout's, or those inside an installed package
TOOLS = osp.join(osp.dirname(CONFIG_ROOT), 'tools')


def config_file(config: str) -> str:
    """A SPEC's config: an absolute path as given, ``configs/...`` a shipped config (of the
    checkout or of the installed package), anything else relative to the working dir."""
    if osp.isabs(config):
        return config
    if config.startswith('configs/'):
        return osp.join(CONFIG_ROOT, config[len('configs/'):])
    return osp.abspath(config)



@dataclass
class Cell:
    name: str
    config: str
    seed: int
    role: str  # 'teacher' or 'student'
    teacher: Optional[str] = None  # name of the teacher cell it distils from
    info: Dict = field(default_factory=dict)
    options: Dict = field(default_factory=dict)
    train_args: Optional[List[str]] = None  # None: the SPEC's
    after: Optional[str] = None  # a teacher that reuses this teacher cell's run


def _entry(entry) -> tuple:
    """(config path, its own cfg_options, its own train_args or None) of a SPEC config entry."""
    if isinstance(entry, str):
        return entry, {}, None
    args = entry.get('train_args')
    return (entry['config'], dict(entry.get('cfg_options', {})),
            None if args is None else [str(a) for a in args])


CHECKPOINT_CHOICE = re.compile(r'last|best|epoch_\d+')


def _teacher_entry(arch: str, configs: Dict, kind: str) -> tuple:
    """(config, cfg_options, train_args, kind whose run it reuses or None, checkpoint choice)
    of a teacher entry."""
    if kind not in configs:
        raise SpecError(f'SPEC: teacher {arch} has no {kind!r} config')
    entry = configs[kind]
    choice = entry.get('checkpoint', 'last') if isinstance(entry, dict) else 'last'
    if not CHECKPOINT_CHOICE.fullmatch(str(choice)):
        raise SpecError(f"SPEC: teacher {arch} {kind}: checkpoint={choice!r}; use 'last', "
                         "'best' or 'epoch_N'")
    source = entry.get('of') if isinstance(entry, dict) else None
    if source is None:
        return (*_entry(entry), None, choice)
    if source not in configs or (isinstance(configs[source], dict) and 'of' in configs[source]):
        raise SpecError(f'SPEC: teacher {arch} {kind}: of={source!r} must name a teacher kind '
                         f'of {arch} that trains ({sorted(configs)})')
    return (*_entry(configs[source]), source, choice)


def select_checkpoint(work_dir: str, choice: str) -> str:
    """The checkpoint of a finished run that ``choice`` ('last', 'best', 'epoch_N') names."""
    if choice == 'last':
        path = find_last_complete_checkpoint(work_dir)
    elif choice == 'best':
        found = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if len(found) > 1:
            raise SpecError(f'{work_dir} holds {len(found)} best_*.pth files; keep one.')
        path = found[0] if found else None
    else:
        path = osp.join(work_dir, f'{choice}.pth')
    if not path or not osp.isfile(path):
        hint = ("the teacher's config needs default_hooks.checkpoint.save_best (e.g. "
                'sokd_mm.utils.early_stopping) and a validation every epoch'
                if choice == 'best' else
                'default_hooks.checkpoint.interval must save that epoch and max_keep_ckpts '
                'keep it (save_best rewrites the epoch checkpoint at every new best, which '
                'rotates older ones out)')
        raise SpecError(f'{work_dir} has no {choice!r} checkpoint: {hint}.')
    return path


def load_spec(path: str) -> Config:
    spec = Config.fromfile(path)
    for key in ('work_dir', 'teachers', 'pairs', 'seeds'):
        if key not in spec:
            raise SpecError(f'SPEC {path} has no {key!r}; see sokd_mm/apis/matrix.py for the '
                             'format.')
    return spec


def plan(spec: Config) -> List[Cell]:
    """Teacher cells first (seed of the first entry), then every student cell, seed by seed,
    then the teachers no student distils from (``distil=False``: they gate nothing)."""
    cells = _plan(spec)
    scored_only = {f'teacher_{arch}_{kind}' for arch, configs in spec.teachers.items()
                   for kind, entry in configs.items()
                   if isinstance(entry, dict) and entry.get('distil') is False}
    needed = {c.after for c in cells if c.name not in scored_only}
    last = [c for c in cells if c.name in scored_only and c.name not in needed]
    return [c for c in cells if c not in last] + last


def _plan(spec: Config) -> List[Cell]:
    kinds = spec.get('teacher_kinds', ['vanilla'])
    cells, teacher_seed = [], spec.seeds[0]
    for arch, configs in spec.teachers.items():
        for kind in kinds:
            config, options, args, source, choice = _teacher_entry(arch, configs, kind)
            info = dict(arch=arch, kind=kind)
            if choice != 'last':
                info['checkpoint_choice'] = choice
            after = None
            if source is not None:
                if source not in kinds:
                    raise SpecError(f'SPEC: teacher kind {kind!r} reuses {source!r}, which '
                                     'is not in teacher_kinds')
                info['of'] = source
                after = f'teacher_{arch}_{source}'
            cells.append(Cell(f'teacher_{arch}_{kind}', config, teacher_seed, 'teacher',
                              info=info, options=options, train_args=args, after=after))
    # Seeds outermost: every cell gets its first seed before any gets its second, so a table
    # collected from an unfinished matrix has every cell, with fewer seeds.
    for seed in spec.seeds:
        for pair in spec.pairs:
            for method, entry in pair['methods'].items():
                config, options, args = _entry(entry)
                needs_teacher = method != 'student'
                distilled = [k for k in kinds for arch in [pair['teacher']]
                             if not (isinstance(spec.teachers[arch][k], dict)
                                     and spec.teachers[arch][k].get('distil') is False)]
                for kind in (distilled if needs_teacher else [None]):
                    teacher = f"teacher_{pair['teacher']}_{kind}" if needs_teacher else None
                    suffix = f'_{kind}' if kind else ''
                    cells.append(Cell(
                        f"{pair['teacher']}_{pair['student']}_{method}{suffix}_seed{seed}",
                        config, seed, 'student', teacher,
                        info=dict(teacher_arch=pair['teacher'], student=pair['student'],
                                  method=method, teacher_kind=kind), options=options,
                        train_args=args))
    return cells


def _command(spec: Config, cell: Cell, work_dir: str, teacher_ckpt: Optional[str]) -> List[str]:
    options = [f'{k}={v}' for k, v in _cell_options(spec, cell, teacher_ckpt).items()]
    args = [config_file(cell.config),
            '--work-dir', work_dir]
    if checkpoint_files(work_dir):  # tools/train.py picks the newest whole one, or refuses
        args.append('--resume')
    args += [*_train_args(spec, cell), '--cfg-options', *options]
    launcher = spec.get('launcher', 'none')
    if launcher == 'dist':
        return ['bash', osp.join(TOOLS, 'dist_train.sh'), args[0],
                str(spec.get('gpus', 1)), *args[1:]]
    if launcher == 'slurm':
        return ['bash', osp.join(TOOLS, 'slurm_train.sh'), spec.partition,
                cell.name, args[0], work_dir, *args[3:]]
    return [sys.executable, '-m', 'sokd_mm.cli.train', *args]  # the package's sokd-train


def _cell_options(spec: Config, cell: Cell, teacher_ckpt: Optional[str]) -> Dict:
    """The overrides of a cell, typed as ``tools/train.py --cfg-options`` will read them (a
    SPEC may write '1' where the config needs 1)."""
    from mmengine.config import DictAction
    options = dict(spec.get('cfg_options', {}), **cell.options)
    options['randomness.seed'] = cell.seed
    if teacher_ckpt:
        options['model.teacher_ckpt'] = teacher_ckpt
    return {k: DictAction._parse_iterable(v) if isinstance(v, str) else v
            for k, v in options.items()}


def _train_args(spec: Config, cell: Optional[Cell] = None) -> List[str]:
    if cell is not None and cell.train_args is not None:
        return list(cell.train_args)
    return [str(a) for a in spec.get('train_args', [])]


def _claim(spec: Config, cell: Cell, results: Dict) -> None:
    """A cell's work dir is reused only by the same settings (see run_identity), the
    tools/train.py flags included (``--fast`` trains in bf16 on a GPU)."""
    from .run_identity import claim_run_dir, run_fingerprint
    teacher_ckpt = results[cell.teacher]['checkpoint'] if cell.teacher else None
    config = config_file(cell.config)
    args = _train_args(spec, cell)
    if 'checkpoint_choice' in cell.info or cell.after:  # which checkpoint students get
        args = [*args, f"checkpoint={cell.info.get('checkpoint_choice', 'last')}",
                f'of={cell.after}']
    fingerprint = run_fingerprint(config, _cell_options(spec, cell, teacher_ckpt), args)
    claim_run_dir(osp.join(spec.work_dir, cell.name), fingerprint, what=f'cell {cell.name}')


def _slot_env(slot: int, jobs: int, gpus: List[str]) -> Dict[str, str]:
    """Environment of a cell running in ``slot``: its GPU when GPUs are shared out, and an
    even share of the CPU threads (concurrent runs would otherwise oversubscribe the cores)."""
    env = dict(os.environ, PYTHONPATH=REPO)
    if gpus:
        env['CUDA_VISIBLE_DEVICES'] = gpus[slot % len(gpus)]
    if 'OMP_NUM_THREADS' not in os.environ:
        env['OMP_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // jobs))
    return env


def _visible_gpus() -> List[str]:
    visible = os.environ.get('CUDA_VISIBLE_DEVICES')
    if visible is not None:
        return [g for g in visible.split(',') if g.strip()]
    try:
        import torch
        return [str(i) for i in range(torch.cuda.device_count())]
    except Exception:  # noqa: BLE001  (no usable torch.cuda: CPU only)
        return []


def train_budget(cfg: Config) -> tuple:
    """(epochs, training images or None for the whole split) of a resolved config."""
    data = cfg.train_dataloader.dataset
    data = data.get('dataset', data)  # through a wrapper (CRD)
    images = data.get('indices') if isinstance(data.get('indices'), int) else None
    if data.get('index_range'):
        images = data['index_range'][1] - data['index_range'][0]
    return cfg.train_cfg.max_epochs, images


def _planned(spec: Config, cell: Cell):
    """A cell as the time estimate sees it: its iterations (epochs x batches, where the
    options say how many images it trains on) and SoKD search iterations."""
    import math

    from sokd_mm.models.algorithms import planned_search_epochs

    from .method_catalogue import cost_kind
    from .time_estimate import PlannedRun
    cfg = Config.fromfile(config_file(cell.config))
    cfg.merge_from_dict(_cell_options(spec, cell, None))
    epochs, images = train_budget(cfg)
    per_epoch = math.ceil(images / cfg.train_dataloader.batch_size) if images else 1
    search = planned_search_epochs(cfg.model, epochs)
    if cell.after:  # reuses another teacher's run: nothing to train
        epochs = search = 0
    return PlannedRun(cell.name, cost_kind(cell.config, cell.role), epochs * per_epoch,
                      search * per_epoch, cell.teacher or cell.after)


def _finish_cell(spec: Config, cell: Cell, work_dir: str) -> Dict:
    run_dir = osp.join(spec.work_dir, cell.after) if cell.after else work_dir
    records = scalar_records(run_dir)
    metrics = last_validation(records)
    choice = cell.info.get('checkpoint_choice', 'last')
    checkpoint = select_checkpoint(run_dir, choice)
    epoch = checkpoint_epoch(checkpoint)
    # the validation top-1 logged at the chosen checkpoint's epoch, when it was validated
    top1 = metrics.get('accuracy/top1') if choice == 'last' else \
        validation_top1_at(records, epoch) if epoch is not None else None
    result = dict(name=cell.name, role=cell.role, config=cell.config, seed=cell.seed,
                  teacher=cell.teacher, top1=top1, checkpoint=checkpoint, **cell.info)
    if cell.role == 'teacher' and spec.get('teacher_quality', True):
        # SoTeacher's claim is about the probabilities: calibration next to accuracy.
        from .teacher_quality import evaluate_teacher
        options = _cell_options(spec, cell, None)
        quality = evaluate_teacher(config_file(cell.config), result['checkpoint'],
                                   osp.join(work_dir, 'teacher_quality'), options)
        result.update(test_top1=quality['top1'], nll=quality['nll'], ece=quality['ece'],
                      entropy=quality['entropy'])
        if spec.get('teacher_train_images'):
            # the same figures on the students' training images (eval transform): how far
            # the teacher memorised them, the quantity SoTeacher's theory is about
            train = evaluate_teacher(config_file(cell.config), result['checkpoint'],
                                     osp.join(work_dir, 'teacher_quality_train'),
                                     {**options, **spec.teacher_train_images})
            result.update(train_top1=train['top1'], train_nll=train['nll'],
                          train_ece=train['ece'])
    if cell.role == 'student' and spec.get('test_after', False):
        result['test_top1'] = _test_top1(spec, cell, work_dir, result['checkpoint'])
    atomic_write_text(osp.join(work_dir, 'result.json'), json.dumps(result, indent=2))
    return result


def _test_top1(spec: Config, cell: Cell, work_dir: str, checkpoint: str) -> float:
    """Top-1 of a finished student on the config's test split (``tools/test.py``; the
    distillation checkpoint brings its teacher)."""
    out = osp.join(work_dir, 'test_metrics.json')
    options = [f'{k}={v}' for k, v in _cell_options(spec, cell, None).items()]
    config = config_file(cell.config)
    cmd = [sys.executable, '-m', 'sokd_mm.cli.test', config, checkpoint,
           '--work-dir', osp.join(work_dir, 'test'), '--out', out, '--cfg-options', *options]
    with open(osp.join(work_dir, 'matrix_test.log'), 'w') as log:
        code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT,
                               env=dict(os.environ, PYTHONPATH=REPO))
    if code != 0:
        raise RunFailedError(f'testing {cell.name} failed (exit {code}); see '
                           f'{work_dir}/matrix_test.log.')
    return float(json.load(open(out))['accuracy/top1'])


def _future_checkpoint(spec: Config, cells: List[Cell], teacher: str) -> str:
    """Where an unfinished teacher cell's checkpoint will be: ``epoch_<max_epochs>.pth`` of
    its run for the 'last' choice; a placeholder for 'best' or an epoch not known yet."""
    cell = next(c for c in cells if c.name == teacher)
    choice = cell.info.get('checkpoint_choice', 'last')
    run = next(c for c in cells if c.name == (cell.after or cell.name))
    if choice == 'last':
        cfg = Config.fromfile(config_file(run.config))
        cfg.merge_from_dict(_cell_options(spec, run, None))
        choice = f'epoch_{cfg.train_cfg.max_epochs}'
    if choice == 'best':
        return osp.join(spec.work_dir, run.name, 'best_<metric>_epoch_<N>.pth')
    return osp.join(spec.work_dir, run.name, f'{choice}.pth')


class _TrainProcess:
    """A cell's ``tools/train.py`` process as a scheduler handle (``scheduler.run_scheduled``):
    its output goes to ``<work_dir>/matrix_run.log``; ``result()`` is the finished cell's
    result (``collect``), or a ``RunFailedError`` naming the log."""

    def __init__(self, cmd: List[str], work_dir: str, env: Dict[str, str],
                 collect: Callable[[], Dict]) -> None:
        self.work_dir, self.collect = work_dir, collect
        self.log = open(osp.join(work_dir, 'matrix_run.log'), 'a')
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def done(self) -> bool:
        return self.proc.poll() is not None

    def result(self) -> Dict:
        code = self.proc.wait()
        self.log.close()
        if code != 0:
            raise RunFailedError(f'{osp.basename(self.work_dir)} failed (exit {code}); see '
                                 f'{self.work_dir}/matrix_run.log. Fix it and run the matrix '
                                 'again: finished cells are kept.')
        return self.collect()

    def cancel(self) -> bool:
        self.proc.terminate()
        self.proc.wait()
        self.log.close()
        return True


def run_matrix(spec_path: str, dry_run: bool = False, jobs: int = 1,
               runs_per_gpu: Optional[int] = None, fast: bool = False) -> List[Dict]:
    """Run every unfinished cell of a SPEC, ``jobs`` at a time (``runs_per_gpu``: that many per
    visible GPU, each pinned to its GPU), students only once their teacher has finished;
    ``fast``: every cell with ``tools/train.py --fast``."""
    spec = load_spec(spec_path)
    if fast and '--fast' not in _train_args(spec):
        spec.train_args = [*_train_args(spec), '--fast']
    cells = plan(spec)
    gpus = _visible_gpus() if runs_per_gpu else []
    if runs_per_gpu:
        jobs = runs_per_gpu * max(1, len(gpus))
    if jobs < 1:
        raise SpecError(f'jobs must be >= 1, got {jobs}')
    results: Dict[str, Dict] = {}
    todo: List[Cell] = []
    for i, cell in enumerate(cells, 1):
        result_file = osp.join(spec.work_dir, cell.name, 'result.json')
        if osp.isfile(result_file):
            if not dry_run:  # reused only by the same settings
                _claim(spec, cell, results)
            results[cell.name] = json.load(open(result_file))
            print(f'[{i}/{len(cells)}] {cell.name}: finished before, skipped', flush=True)
        else:
            todo.append(cell)
    if dry_run:
        for cell in todo:
            if cell.after:
                choice = cell.info.get('checkpoint_choice', 'last')
                print(f'{cell.name}: the {choice!r} checkpoint of {cell.after}', flush=True)
                continue
            teacher_ckpt = None
            if cell.teacher:  # a teacher not trained yet: the file its 'last' choice will be
                teacher_ckpt = results.get(cell.teacher, {}).get('checkpoint') or \
                    _future_checkpoint(spec, cells, cell.teacher)
            cmd = _command(spec, cell, osp.join(spec.work_dir, cell.name), teacher_ckpt)
            print(f'{cell.name}: {shlex.join(cmd)}', flush=True)  # pasteable into a shell
        return list(results.values())
    os.makedirs(spec.work_dir, exist_ok=True)
    from .time_estimate import seconds_left
    plan_runs = {c.name: _planned(spec, c) for c in todo}
    measured: List[Dict] = []   # the cells that trained here, for the time estimate
    counts = dict(done=0, started=0)
    start, total = time.time(), len(todo)

    def start_cell(cell: Cell, slot: int):
        work_dir = osp.join(spec.work_dir, cell.name)
        counts['started'] += 1
        _claim(spec, cell, results)
        if cell.after:  # reuses a finished teacher's run: nothing to train
            return FinishedHandle(_finish_cell(spec, cell, work_dir))
        teacher_ckpt = results[cell.teacher]['checkpoint'] if cell.teacher else None
        cmd = _command(spec, cell, work_dir, teacher_ckpt)
        os.makedirs(work_dir, exist_ok=True)
        print(f'[start {counts["started"]}/{total}] {cell.name}: {shlex.join(cmd)}', flush=True)
        return _TrainProcess(cmd, work_dir, _slot_env(slot, jobs, gpus),
                             lambda: _finish_cell(spec, cell, work_dir))

    def finished(cell: Cell, result: Dict, seconds: float, running: Dict[str, float]) -> None:
        counts['done'] += 1
        if cell.after:
            print(f'[done {counts["done"]}/{total}] {cell.name}: {result["checkpoint"]}',
                  flush=True)
            return
        run = plan_runs[cell.name]
        measured.append(dict(name=cell.name, kind=run.kind, seconds=seconds,
                             iterations=run.iterations, search_iterations=run.search_iterations))
        left = seconds_left(list(plan_runs.values()), measured, running, jobs, done=set(results))
        eta = f', about {left / 60:.0f} min left' if left is not None else ''
        print(f'[done {counts["done"]}/{total}] {cell.name}: top-1 {result["top1"]}; '
              f'{(time.time() - start) / 60:.1f} min so far{eta}', flush=True)

    run_scheduled(todo, jobs, lambda cell: cell.name,
                  lambda cell: [n for n in (cell.teacher, cell.after) if n], start_cell,
                  finished, results)
    return list(results.values())


def _method_key(method: str) -> tuple:
    """Baselines in the catalogue's order, then each baseline's SoKD variants, then the rest."""
    base = method[len('sokd_'):] if method.startswith('sokd_') else method
    return (table_rank(base), method.startswith('sokd_'), method)


METRICS = dict(top1="top-1 (%) of the last epoch's validation",
               test_top1="top-1 (%) of the final checkpoint on the test split")


def checkpoint_epoch(path: str) -> Optional[int]:
    """The epoch a checkpoint file was written after (``epoch_N.pth``,
    ``best_<metric>_epoch_N.pth``), or None (an iteration checkpoint)."""
    match = re.search(r'epoch_(\d+)\.pth$', path or '')
    return int(match[1]) if match else None


def collect(work_dir: str, metric: str = 'top1') -> Dict:
    """Group finished cells into rows (pair, teacher kind) x columns (method), mean and std
    over seeds of ``metric`` (``METRICS``); the student trained alone is a column of every row
    of its pair."""
    if metric not in METRICS:
        raise SpecError(f'metric must be one of {sorted(METRICS)}, got {metric!r}')
    rows: Dict = {}
    alone: Dict = {}
    teachers = {}
    results = finished_runs(work_dir)
    if not results:
        raise SpecError(f'{work_dir} holds no <cell>/result.json: not a matrix work dir '
                         '(tools/run_matrix.py writes them).')
    for path, r in results:
        if 'method' not in r and r.get('role') != 'teacher':
            raise SpecError(f'{path} is not a matrix cell result (no "method"; the demo '
                             'writes its own results.md): collect a tools/run_matrix.py work '
                             'dir.')
        if r['role'] == 'teacher':
            teachers[(r['arch'], r['kind'])] = r
            continue
        if r['method'] == 'student':
            alone.setdefault((r['teacher_arch'], r['student']), []).append(r.get(metric))
            continue
        key = (r['teacher_arch'], r['student'], r.get('teacher_kind') or '-')
        rows.setdefault(key, {}).setdefault(r['method'], []).append(r.get(metric))
    for (t, s) in alone:  # a pair with no distillation cell still gets its row
        rows.setdefault((t, s, 'vanilla'), {})
    students = {(t, s) for t, s, _ in rows}
    for arch, kind in teachers:  # a teacher no student was distilled from (distil=False)
        for t, s in sorted(students):
            if t == arch and not any(k == kind for tt, _, k in rows if tt == arch):
                rows.setdefault((t, s, kind), {})
    # the placeholder row of the student alone, where its pair has rows of its own
    rows = {(t, s, k): m for (t, s, k), m in rows.items()
            if m or k != 'vanilla' or (t, 'vanilla') in teachers
            or not any(tt == t and ss == s and kk != 'vanilla' for tt, ss, kk in rows)}
    table = []
    for (t, s, kind), methods in sorted(rows.items()):
        teacher = teachers.get((t, kind), {})
        row = dict(teacher=t, student=s, teacher_kind=kind,
                   teacher_top1=teacher.get(metric, teacher.get('top1')),
                   teacher_nll=teacher.get('nll'), teacher_ece=teacher.get('ece'), methods={})
        if 'train_top1' in teacher:  # SPEC teacher_train_images: on the students' images
            row.update(teacher_train_top1=teacher['train_top1'],
                       teacher_train_nll=teacher['train_nll'],
                       teacher_train_ece=teacher['train_ece'],
                       teacher_epoch=checkpoint_epoch(teacher['checkpoint']))
        if (t, s) in alone:
            row['methods']['student'] = seed_stats(alone[(t, s)])
        for method in sorted(methods, key=_method_key):
            row['methods'][method] = seed_stats(methods[method])
        ref = REFERENCE.get((t, s))
        if ref:
            row['reference'] = dict(zip(REFERENCE_COLUMNS, ref))
        table.append(row)
    return dict(work_dir=work_dir, rows=table, metric=f'{METRICS[metric]}, mean +- std over seeds')


def collected_markdown(collected: Dict) -> str:
    """One row per (pair, teacher kind), one column per method (the student alone first), the
    teacher's accuracy and calibration, and the reference numbers in their own columns."""
    methods = sorted({m for row in collected['rows'] for m in row['methods']}, key=_method_key)
    with_ref = any('reference' in row for row in collected['rows'])
    with_train = any('teacher_train_top1' in row for row in collected['rows'])
    train_head = ['teacher train top-1', 'teacher train NLL', 'teacher train ECE (%)',
                  'teacher epoch'] if with_train else []
    head = (['teacher -> student', 'teacher', 'teacher top-1', 'teacher NLL', 'teacher ECE (%)']
            + train_head + methods + ([f'ref. {c}' for c in REFERENCE_COLUMNS] if with_ref
                                      else []))
    lines = [f"{collected.get('metric', 'top-1 (%)')}; n = seeds.", '',
             '| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]

    def number(value, digits=2):
        return f'{value:.{digits}f}' if value is not None else '-'

    for row in collected['rows']:
        cells = [f"{row['teacher']} -> {row['student']}", row['teacher_kind'],
                 number(row['teacher_top1']), number(row.get('teacher_nll'), 4),
                 number(row.get('teacher_ece'))]
        if with_train:
            epoch = row.get('teacher_epoch')
            cells += [number(row.get('teacher_train_top1')),
                      number(row.get('teacher_train_nll'), 4),
                      number(row.get('teacher_train_ece')), '-' if epoch is None else str(epoch)]
        for m in methods:
            v = row['methods'].get(m)
            cells.append(f"{v['mean']:.2f} +- {v['std']:.2f} (n={v['n']})"
                         if v and v['mean'] is not None else '-')
        if with_ref:
            ref = row.get('reference', {})
            cells += [number(ref.get(c)) for c in REFERENCE_COLUMNS]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
