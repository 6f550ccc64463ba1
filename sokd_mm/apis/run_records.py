"""A run's records, read in one place for the runner, the tables, the time estimate and the
log tools: the ``result.json`` a finished run leaves in its work dir, and MMEngine's
``<timestamp>/vis_data/scalars.json`` logs (one per start of the run: a resumed run has
several, read in the order they were written); and the statistics over seeds every table
prints."""
import glob
import json
import os.path as osp
import statistics
from typing import Dict, Iterable, List, Optional, Tuple


def log_files(run_dir: str) -> List[str]:
    """The run's ``scalars.json`` logs, oldest first."""
    return sorted(glob.glob(osp.join(run_dir, '*', 'vis_data', 'scalars.json')))


def scalar_records(run_dir: str) -> List[Dict]:
    """Every logged record of the run, oldest first: training records carry ``loss``,
    ``iter``, ``epoch`` (and ``time``); validation records ``accuracy/top1`` and ``step``."""
    return [json.loads(line) for path in log_files(run_dir) for line in open(path)]


def training_records(records: Iterable[Dict]) -> List[Dict]:
    return [r for r in records if 'loss' in r and 'epoch' in r]


def last_validation(records: Iterable[Dict]) -> Dict:
    """The last validation record ({} when the run was never validated)."""
    last: Dict = {}
    for record in records:
        if 'accuracy/top1' in record:
            last = record
    return last


def validation_top1_at(records: Iterable[Dict], epoch: int) -> Optional[float]:
    """The top-1 validated at ``epoch`` (the last such record), or None."""
    found = None
    for record in records:
        if 'accuracy/top1' in record and record.get('step') == epoch:
            found = record['accuracy/top1']
    return found


def iteration_seconds(records: Iterable[Dict], up_to_epoch: Optional[int] = None
                      ) -> List[float]:
    """The logged per-iteration times of training records (of epochs <= ``up_to_epoch``)."""
    return [r['time'] for r in records if 'time' in r and 'loss' in r
            and (up_to_epoch is None or r.get('epoch', 0) <= up_to_epoch)]


def series(records: List[Dict], key: str) -> List[Tuple[float, float]]:
    """(epoch, value) pairs of ``key``: training records placed on the epoch axis by their
    iteration (iteration / iterations per epoch), validation records by their epoch."""
    train = [r for r in records if key in r and 'iter' in r]
    if train:
        per_epoch = max(r['iter'] for r in train) / max(r['epoch'] for r in train)
        return [(r['iter'] / per_epoch, r[key]) for r in train]
    return sorted(dict((r['step'], r[key]) for r in records if key in r).items())


def finished_runs(work_dir: str) -> List[Tuple[str, Dict]]:
    """(path, record) of every ``<run>/result.json`` under ``work_dir``, by path."""
    return [(path, json.load(open(path)))
            for path in sorted(glob.glob(osp.join(work_dir, '*', 'result.json')))]


def seed_stats(values: Iterable[Optional[float]]) -> Dict:
    """Mean, sample std (0 for one value) and n over seeds, and the values themselves (in
    seed order), so that a table can be checked, or extended by later seeds, without the
    work dir; missing values (None) are left out."""
    values = [v for v in values if v is not None]
    return dict(mean=statistics.mean(values) if values else None,
                std=statistics.stdev(values) if len(values) > 1 else 0.0, n=len(values),
                values=values)
