"""The quickstart pipeline in reduced form: every run trains, results files exist, the table
has every row, and a re-run reuses the finished runs."""
import json
import os.path as osp

from tests.conftest import PYTHON, REPO, run_tool


def test_demo_runs_writes_results_and_reuses_finished_runs(tmp_path):
    work = str(tmp_path / 'demo')
    cmd = [PYTHON, f'{REPO}/tools/demo.py', '--work-dir', work, '--epochs', '1']
    first = run_tool(cmd)
    results = json.load(open(osp.join(work, 'results.json')))
    names = [r['name'] for r in results]
    assert names == ['teacher_resnet20', 'teacher_resnet20_soteacher',
                     'student_resnet8_vanilla', 'student_resnet8_kd', 'student_resnet8_fitnet',
                     'student_resnet8_sokd_fitnet', 'student_resnet8_sokd_kd',
                     'student_resnet8_kd_from_soteacher']
    assert osp.getsize(osp.join(work, 'training_curves.png')) > 10000
    for run in ('student_resnet8_sokd_fitnet', 'student_resnet8_sokd_kd'):
        for png in ('sokd_areas_hint.png', 'sokd_policy_hint.png'):
            assert osp.isfile(osp.join(work, run, 'sokd_vis', png))
    for teacher in names[:2]:
        assert osp.isfile(osp.join(work, teacher, 'teacher_quality', 'reliability.png'))
        assert next(r for r in results if r['name'] == teacher)['ece'] >= 0
    assert all(0.0 <= r['top1'] <= 100.0 for r in results)
    table = open(osp.join(work, 'results.md')).read()
    assert all(f'| {n} |' in table for n in names)
    assert '| student_resnet8_kd |' in first.stdout
    # The KD student was distilled from the demo's own teacher checkpoint.
    kd = next(r for r in results if r['name'] == 'student_resnet8_kd')
    assert kd['teacher_top1'] == next(r for r in results if r['role'] == 'teacher')['top1']
    so_kd = next(r for r in results if r['name'] == 'student_resnet8_kd_from_soteacher')
    assert so_kd['teacher_top1'] == results[1]['top1']

    second = run_tool(cmd)
    assert 'Epoch(train)' not in second.stdout + second.stderr  # nothing retrained
    assert json.load(open(osp.join(work, 'results.json'))) == results
