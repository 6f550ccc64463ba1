"""The per-method table of an ablation work dir: top-1 over seeds and the logged terms of the
first and the last epoch, rebuilt from its JSON alone."""
import json
import os

import pytest

from sokd_mm.apis.method_table import collect_methods, methods_markdown


def _cell(root, name, method, seed, top1, test_top1, records, role='student'):
    os.makedirs(root / name / '20260101_000000' / 'vis_data')
    (root / name / 'result.json').write_text(json.dumps(dict(
        name=name, role=role, method=method, seed=seed, top1=top1, test_top1=test_top1,
        teacher_kind='vanilla' if method != 'student' else None)))
    with open(root / name / '20260101_000000' / 'vis_data' / 'scalars.json', 'w') as f:
        for record in records:
            f.write(json.dumps(record) + '\n')


def test_rows_per_method_with_first_and_last_epoch_terms(tmp_path):
    sokd = lambda e, ce, area: dict(epoch=e, loss=ce + area, **{  # noqa: E731
        'student.loss': ce, 'distill.loss_sokd_area_hint': area,
        'distill.sokd_dam_dead_hint': 1.0, 'lr': 0.05})
    _cell(tmp_path, 'a_seed0', 'sokd_fitnet', 0, 80.0, 79.0,
          [sokd(1, 2.0, 0.5), sokd(1, 1.5, 0.4), sokd(2, 1.0, 0.2),
           {'accuracy/top1': 80.0, 'step': 2}])
    _cell(tmp_path, 'a_seed1', 'sokd_fitnet', 1, 82.0, 81.0, [sokd(1, 1.7, 0.6), sokd(2, 0.8, 0.1)])
    _cell(tmp_path, 'alone', 'student', 0, 78.0, 77.5, [dict(epoch=1, loss=1.2),
                                                          dict(epoch=2, loss=0.6)])
    _cell(tmp_path, 'teacher', 'x', 0, 90.0, None, [], role='teacher')
    collected = collect_methods(str(tmp_path))
    assert set(collected['methods']) == {'sokd_fitnet', 'student'}
    row = collected['methods']['sokd_fitnet']
    assert row['test_top1']['mean'] == 80.0 and row['test_top1']['n'] == 2
    assert row['first_epoch']['student.loss'] == pytest.approx((1.5 + 1.7) / 2)  # last of ep. 1
    assert row['last_epoch']['distill.loss_sokd_area_hint'] == pytest.approx(0.15)
    table = methods_markdown(json.loads(json.dumps(collected)), order=['student', 'sokd_fitnet'],
                             labels=dict(sokd_fitnet='SoKD-FitNet'))
    lines = table.splitlines()
    assert lines[2].startswith('| student | 77.50 | 78.00 | 1.200 | 0.600 | - |')
    assert lines[3].startswith('| SoKD-FitNet | 80.00 +- 1.41 (n=2) | 81.00 +- 1.41 (n=2) | '
                               '1.600 | 0.900 | - | - | 0.500 | 0.150 | - | - | 1.000 | 1.000 |')


def test_a_dir_without_students_is_refused(tmp_path):
    with pytest.raises(ValueError, match='no finished student'):
        collect_methods(str(tmp_path))


def test_without_test_scores_the_table_has_one_score_column(tmp_path):
    _cell(tmp_path, 'alone', 'student', 0, 78.0, None, [dict(epoch=1, loss=1.2)])
    table = methods_markdown(collect_methods(str(tmp_path)))
    assert table.splitlines()[0].startswith('| method | top-1 (%) on the validation split | CE')
    assert table.splitlines()[2].startswith('| student | 78.00 | 1.200 |')
