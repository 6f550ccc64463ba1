"""The quickstart pipeline in reduced form: every run trains, results files exist, the table
has every row, and a re-run reuses the finished runs."""
import glob
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
                     'student_resnet8_sokd_plus_kd', 'student_resnet8_kd_from_soteacher']
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

    # Quiet by default: the pipeline's progress lines, not MMEngine's config dumps.
    assert len((first.stdout + first.stderr).splitlines()) < 150
    assert '=== [3/9] student student_resnet8_vanilla' in first.stdout
    # Two runs at a time: the second teacher starts before the first has finished.
    out = first.stdout
    assert out.index('[2/9] teacher teacher_resnet20_soteacher') < \
        out.index('=== teacher_resnet20: top-1')
    assert 'min left' in out.split('=== teacher_resnet20: top-1', 1)[1].splitlines()[0]
    checkpoints = {p: osp.getmtime(p) for p in glob.glob(osp.join(work, '*', '*.pth'))}
    run_tool(cmd)
    assert {p: osp.getmtime(p) for p in checkpoints} == checkpoints  # nothing retrained
    assert json.load(open(osp.join(work, 'results.json'))) == results

    # Other options never reuse the 1-epoch results: the demo refuses, saying why.
    third = run_tool([*cmd[:-1], '2'], check=False)
    assert third.returncode == 1 and 'Traceback' not in third.stderr
    last = third.stderr.strip().splitlines()[-1]
    assert last.startswith('Error:') and 'other settings' in last and 'teacher_resnet20' in last
    assert json.load(open(osp.join(work, 'results.json'))) == results


def test_demo_seeds_and_fashion_mnist(tmp_path, monkeypatch):
    """--seeds adds one run per extra seed of every student and a mean +- std table;
    --dataset fashion-mnist plans the same rows on Fashion-MNIST configs."""
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import demo
    specs = demo.demo_specs(epochs=1, seeds=(0, 1, 2), dataset='fashion-mnist',
                            data_root='/some/where', live_dam=True)
    names = [s.name for s in specs]
    assert len(names) == 2 + 3 * 9 and 'student_resnet8_sokd_kd_live_seed2' in names
    assert all(s.fast for s in specs)
    assert all('fashion_mnist' in s.config for s in specs)
    seeds = {s.options['randomness.seed'] for s in specs if s.role == 'student'}
    assert seeds == {0, 1, 2}
    assert all(s.options['test_dataloader.dataset.data_root'] == '/some/where' for s in specs)
    from sokd_mm.apis.pipeline import seed_table
    table = seed_table([dict(name='a', top1=90.0), dict(name='a_seed1', top1=92.0),
                        dict(name='b', top1=50.0)])
    assert '| a | 91.00 +- 1.41 | 2 |' in table and '| b | 50.00 +- 0.00 | 1 |' in table


def test_the_demo_gives_the_same_table_twice(tmp_path):
    """Reproducible numbers: the same plan run twice (two at a time, one thread each, the fast
    runtime) gives bit-identical accuracies and teacher calibration."""
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import demo

    from sokd_mm.apis.pipeline import run_pipeline
    keep = ('teacher_resnet20', 'student_resnet8_kd', 'student_resnet8_sokd_kd')
    specs = [s for s in demo.demo_specs(epochs=1) if s.name in keep]
    tables = []
    for attempt in ('a', 'b'):
        results = run_pipeline(specs, str(tmp_path / attempt), jobs=2)
        tables.append([(r['name'], r['top1'], r.get('nll'), r.get('ece')) for r in results])
    assert tables[0] == tables[1] and len(tables[0]) == 3
