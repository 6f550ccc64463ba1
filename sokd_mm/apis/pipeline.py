"""Run a plan of trainings (teachers, then students that need them), ``jobs`` at a time in
worker processes with an even share of the CPU threads each (or in this process with
``jobs=1``), reuse finished runs, and collect their accuracies; the time left is estimated
from the measured cost of each kind of run (``time_estimate``). Used by ``tools/demo.py``."""
import contextlib
import json
import os
import os.path as osp
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from mmengine.config import Config

from sokd_mm.apis.run_records import iteration_seconds, scalar_records, seed_stats, series
from sokd_mm.engine.hooks.safe_checkpoint_hook import (atomic_write_text,
                                                     find_last_complete_checkpoint)
from sokd_mm.models.algorithms import builds_sokd, planned_search_epochs
from sokd_mm.apis.scheduler import FinishedHandle, run_scheduled


@dataclass
class RunSpec:
    """One training run: a config, the run it takes its teacher from, config overrides."""
    name: str
    config: str
    role: str  # 'teacher' or 'student'
    teacher_from: Optional[str] = None
    options: Dict = field(default_factory=dict)
    fast: bool = False  # train through the fast runtime (tools/train.py --fast)


def _metric(metrics: Dict, *names: str) -> Optional[float]:
    for name in names:
        if name in metrics:
            return float(metrics[name])
    return None


def run_one(spec: RunSpec, root: str, results: Dict[str, Dict], verbose: bool = False) -> Dict:
    """Train ``spec`` under ``root/<name>`` unless it finished before with the same settings;
    return its result. A run dir of other settings is refused (``StaleRunError``)."""
    from mmengine.runner import Runner

    from .run_identity import claim_run_dir, run_fingerprint
    work_dir = osp.join(root, spec.name)
    result_file = osp.join(work_dir, 'result.json')
    options = dict(spec.options)
    if spec.teacher_from:
        options['model.teacher_ckpt'] = results[spec.teacher_from]['checkpoint']
    claim_run_dir(work_dir, run_fingerprint(spec.config, options,
                                            ['--fast'] if spec.fast else []),
                  what=f'run {spec.name}')
    if osp.isfile(result_file):
        with open(result_file) as f:
            return json.load(f)
    cfg = Config.fromfile(spec.config)
    cfg.merge_from_dict(options)
    if spec.fast:
        from .fast_runtime import apply_fast_runtime
        apply_fast_runtime(cfg, bf16=False)
    cfg.work_dir = work_dir
    cfg.experiment_name = spec.name
    if not verbose:
        # The pipeline prints its own progress; MMEngine's config dump, environment report
        # and iteration lines would bury it (the metrics still reach vis_data/scalars.json).
        cfg.log_level = 'WARNING'
    # Continue an interrupted run from its last complete checkpoint instead of starting over.
    cfg.load_from = find_last_complete_checkpoint(work_dir)
    cfg.resume = cfg.load_from is not None
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    # Evaluate the final weights once more: a resumed run that had already finished trains
    # nothing. RuntimeInfoHook keeps the metrics in the message hub as 'val/<name>'
    # (mmrazor's distill val loop returns nothing).
    runner.val_loop.run()
    metrics = {key[4:]: buf.current() for key, buf in runner.message_hub.log_scalars.items()
               if key.startswith('val/')}
    epochs, search_epochs = planned_epochs(spec, cfg)
    result = dict(
        name=spec.name, role=spec.role, config=spec.config, teacher_from=spec.teacher_from,
        top1=_metric(metrics, 'accuracy/top1'),
        teacher_top1=_metric(metrics, 'teacher.accuracy/top1'),
        seconds=round(time.time() - start, 1), epochs=epochs, search_epochs=search_epochs,
        search_seconds=_search_seconds(work_dir, search_epochs, runner),
        checkpoint=find_last_complete_checkpoint(work_dir))
    if builds_sokd(cfg.model):
        # What SoKD transferred and the policy it learned, as pictures.
        from .visualize_sokd import visualize_sokd
        visualize_sokd(spec.config, result['checkpoint'], osp.join(work_dir, 'sokd_vis'),
                       cfg_options=spec.options)
    if spec.role == 'teacher':
        # SoTeacher's claim is about the probabilities: report their quality too.
        from .teacher_quality import evaluate_teacher
        quality = evaluate_teacher(spec.config, result['checkpoint'],
                                   osp.join(work_dir, 'teacher_quality'),
                                   dict(spec.options, log_level=cfg.log_level))
        result.update(nll=quality['nll'], ece=quality['ece'], entropy=quality['entropy'])
    atomic_write_text(result_file, json.dumps(result, indent=2))  # never half a result
    return result


def planned_epochs(spec: RunSpec, cfg: Optional[Config] = None) -> tuple:
    """(training epochs, SoKD search epochs) of a run, from its config and options (``cfg``:
    that config, already loaded)."""
    if cfg is None:
        cfg = Config.fromfile(spec.config)
        cfg.merge_from_dict(dict(spec.options))
    epochs = cfg.train_cfg.max_epochs
    return epochs, planned_search_epochs(cfg.model, epochs)


def _search_seconds(work_dir: str, search_epochs: int, runner) -> Optional[float]:
    """Seconds the SoKD search iterations took: their logged per-iteration times."""
    if not search_epochs:
        return None
    times = iteration_seconds(scalar_records(work_dir), up_to_epoch=search_epochs)
    per_epoch = len(runner.train_dataloader)
    return sum(times) / len(times) * per_epoch * search_epochs if times else None


def results_table(results: List[Dict]) -> str:
    rows = ['| run | role | teacher | top-1 (%) | NLL | ECE (%) | time (s) |',
            '|---|---|---|---:|---:|---:|---:|']
    for r in results:
        nll = f"{r['nll']:.4f}" if r.get('nll') is not None else '-'
        ece = f"{r['ece']:.2f}" if r.get('ece') is not None else '-'
        rows.append(f"| {r['name']} | {r['role']} | {r['teacher_from'] or '-'} | "
                    f"{r['top1']:.2f} | {nll} | {ece} | {r['seconds']:.0f} |")
    return '\n'.join(rows)


def seed_table(results: List[Dict]) -> str:
    """Mean +- standard deviation of top-1 over the seeds of each run (``name_seedN`` runs
    join ``name``)."""
    import re
    groups: Dict[str, List[float]] = {}
    for r in results:
        groups.setdefault(re.sub(r'_seed\d+$', '', r['name']), []).append(r['top1'])
    rows = ['| run | top-1 (%), mean +- std | seeds |', '|---|---:|---:|']
    for name, values in groups.items():
        stats = seed_stats(values)
        rows.append(f"| {name} | {stats['mean']:.2f} +- {stats['std']:.2f} | {stats['n']} |")
    return '\n'.join(rows)


def _curves(work_dir: str):
    """(epochs, training losses) and (epochs, validation top-1) of a run's logs."""
    records = scalar_records(work_dir)
    return series(records, 'loss'), series(records, 'accuracy/top1')


def draw_training_curves(results: List[Dict], root: str, path: str) -> None:
    """Training loss and validation top-1 of every run against the epoch, from their logs;
    teachers dashed, students solid; each panel with its legend."""
    import matplotlib.pyplot as plt
    fig = training_curves_figure(results, root)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def training_curves_figure(results: List[Dict], root: str):
    """The figure :func:`draw_training_curves` saves."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(13, 5))
    for r in results:
        train, acc = _curves(osp.join(root, r['name']))
        style = '--' if r['role'] == 'teacher' else '-'
        label = f"{r['name']} ({r['role']})"
        if train:
            loss_ax.plot([e for e, _ in train], [v for _, v in train], style, lw=1, label=label)
        if acc:
            acc_ax.plot([e for e, _ in acc], [v for _, v in acc], style, marker='o', ms=4,
                        label=label)
    loss_ax.set_yscale('log')
    loss_ax.set_xlabel('epoch')
    loss_ax.set_ylabel('training loss, all terms summed (log scale)')
    loss_ax.set_title('training loss (dashed: teachers, solid: students)')
    loss_ax.legend(fontsize=7, loc='upper right')
    acc_ax.set_xlabel('epoch')
    acc_ax.set_ylabel('validation top-1 (%)')
    acc_ax.set_title('validation accuracy (dashed: teachers, solid: students)')
    acc_ax.legend(fontsize=7, loc='lower right')
    fig.tight_layout()
    return fig


def _run_in_worker(spec: RunSpec, root: str, results: Dict[str, Dict], verbose: bool,
                   threads: int) -> Dict:
    """``run_one`` in a worker process with ``threads`` CPU threads."""
    import torch
    torch.set_num_threads(threads)
    import sokd_mm  # noqa: F401  (registrations in the fresh process)
    return run_one(spec, root, results, verbose)


def run_pipeline(specs: List[RunSpec], root: str, verbose: bool = False,
                 jobs: int = 1) -> List[Dict]:
    """Run ``specs`` (module doc); a student starts once its teacher has finished."""
    from .method_catalogue import cost_kind
    from .time_estimate import PlannedRun, seconds_left
    os.makedirs(root, exist_ok=True)
    plan = []
    for spec in specs:
        epochs, search = planned_epochs(spec)
        plan.append(PlannedRun(spec.name, cost_kind(spec.config, spec.role), epochs, search,
                               spec.teacher_from))
    kinds = {p.name: p for p in plan}
    done: Dict[str, Dict] = {}
    measured: List[Dict] = []  # finished runs that trained here (reused ones took no time)
    started: Dict[str, float] = {}
    order = {spec.name: i for i, spec in enumerate(specs, 1)}

    def left_text() -> str:
        now = time.time()
        left = seconds_left(plan, measured, {n: now - t for n, t in started.items()}, jobs,
                            done=set(done))
        return f', about {left / 60:.1f} min left' if left is not None else ''

    def announce(spec: RunSpec) -> None:
        print(f'\n=== [{order[spec.name]}/{len(specs)}] {spec.role} {spec.name} '
              f'({spec.config}){left_text()} ===', flush=True)

    def finish(spec: RunSpec, result: Dict, seconds: float, running: Dict) -> None:
        # the scheduler has put the result in ``done``; the run's own clock gives its time
        started.pop(spec.name, None)
        if result.get('seconds') and 'epochs' in result:  # reused runs: their recorded time
            plan_run = kinds[spec.name]
            measured.append(dict(name=spec.name, kind=plan_run.kind, seconds=result['seconds'],
                                 iterations=plan_run.iterations,
                                 search_iterations=plan_run.search_iterations,
                                 search_seconds=result.get('search_seconds')))
        print(f"=== {spec.name}: top-1 {result['top1']:.2f}% ({result['seconds']:.0f} s)"
              f"{left_text()} ===", flush=True)

    def start(spec: RunSpec, slot: int):
        announce(spec)
        started[spec.name] = time.time()
        if pool is None:  # in this process, one after the other
            return FinishedHandle(run_one(spec, root, done, verbose))
        return pool.submit(_run_in_worker, spec, root, dict(done), verbose, threads)

    def needs(spec: RunSpec) -> List[str]:
        return [spec.teacher_from] if spec.teacher_from else []

    threads = max(1, (os.cpu_count() or 1) // max(jobs, 1))
    with contextlib.ExitStack() as stack:
        pool = None
        if jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=jobs, mp_context=multiprocessing.get_context('spawn')))
        # ``done`` holds the scheduler's results: a student starts once its teacher is in it.
        run_scheduled(specs, max(jobs, 1), lambda spec: spec.name, needs, start, finish, done)
    done = {spec.name: done[spec.name] for spec in specs}  # plan order
    results = list(done.values())
    table = results_table(results)
    if any(r['name'].endswith(('_seed1', '_seed2')) for r in results):
        table += '\n\n' + seed_table(results)
    with open(osp.join(root, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(root, 'results.json'), 'w') as f:
        json.dump(results, f, indent=2)
    draw_training_curves(results, root, osp.join(root, 'training_curves.png'))
    return results
