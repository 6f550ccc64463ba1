"""One reader of run records: a resumed run's logs are read in order, each kind of record is
found by what it carries, and seed statistics follow the tables' convention."""
import json
import os

import pytest

from sokd_mm.apis.run_records import (finished_runs, last_validation, scalar_records,
                                      seed_stats, series, training_records, validation_top1_at)


def _log(run_dir, stamp, records):
    os.makedirs(run_dir / stamp / 'vis_data')
    with open(run_dir / stamp / 'vis_data' / 'scalars.json', 'w') as f:
        f.write(''.join(json.dumps(r) + '\n' for r in records))


@pytest.fixture
def resumed_run(tmp_path):
    """A run interrupted after epoch 1 and resumed: two logs, the second written later."""
    _log(tmp_path, '20261207_100000', [
        dict(loss=2.0, iter=10, epoch=1, time=0.5), {'accuracy/top1': 50.0, 'step': 1}])
    _log(tmp_path, '20261207_110000', [
        dict(loss=1.0, iter=20, epoch=2, time=0.3), {'accuracy/top1': 70.0, 'step': 2},
        {'accuracy/top1': 71.0, 'step': 2}])
    return tmp_path


def test_a_resumed_runs_logs_are_read_oldest_first(resumed_run):
    records = scalar_records(resumed_run)
    assert [r.get('loss') for r in training_records(records)] == [2.0, 1.0]
    assert last_validation(records) == {'accuracy/top1': 71.0, 'step': 2}
    assert validation_top1_at(records, 1) == 50.0 and validation_top1_at(records, 3) is None
    assert series(records, 'loss') == [(1.0, 2.0), (2.0, 1.0)]  # iterations on the epoch axis
    assert series(records, 'accuracy/top1') == [(1, 50.0), (2, 71.0)]
    assert last_validation([]) == {}


def test_finished_runs_are_the_result_files(tmp_path):
    for name, top1 in (('b', 2.0), ('a', 1.0)):
        os.makedirs(tmp_path / name)
        (tmp_path / name / 'result.json').write_text(json.dumps(dict(name=name, top1=top1)))
    os.makedirs(tmp_path / 'unfinished')
    assert [r['name'] for _, r in finished_runs(tmp_path)] == ['a', 'b']


def test_seed_stats_use_the_sample_std_and_skip_missing_values():
    stats = seed_stats([1.0, None, 3.0])
    assert stats == dict(mean=2.0, std=pytest.approx(2 ** 0.5), n=2, values=[1.0, 3.0])
    assert seed_stats([5.0])['std'] == 0.0 and seed_stats([])['mean'] is None
