"""The quickstart pipeline in reduced form: every run trains, results files exist, the table
has every row, a re-run reuses the finished runs, and runs trained again give the same
numbers."""
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
                     'student_resnet8_kd', 'student_resnet8_fitnet',
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
    assert '=== [3/8] student student_resnet8_kd' in first.stdout
    # Two runs at a time: the second teacher starts before the first has finished.
    out = first.stdout
    assert out.index('[2/8] teacher teacher_resnet20_soteacher') < \
        out.index('=== teacher_resnet20: top-1')
    assert 'min left' in out.split('=== teacher_resnet20: top-1', 1)[1].splitlines()[0]
    checkpoints = {p: osp.getmtime(p) for p in glob.glob(osp.join(work, '*', '*.pth'))}
    run_tool(cmd)
    assert {p: osp.getmtime(p) for p in checkpoints} == checkpoints  # nothing retrained
    assert json.load(open(osp.join(work, 'results.json'))) == results

    # Reproducible numbers: part of the same plan run again from scratch elsewhere (two at a
    # time, one thread each, the fast runtime) gives bit-identical accuracies and calibration.
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import demo

    from sokd_mm.apis.pipeline import run_pipeline
    keep = ('teacher_resnet20', 'student_resnet8_kd')
    again = run_pipeline([s for s in demo.demo_specs(epochs=1) if s.name in keep],
                         str(tmp_path / 'again'), jobs=2)

    def scores(rows):
        return [(r['name'], r['top1'], r.get('nll'), r.get('ece')) for r in rows
                if r['name'] in keep]
    assert scores(again) == scores(results) and len(scores(again)) == 2

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
    assert len(names) == 2 + 3 * 8 and 'student_resnet8_sokd_kd_live_seed2' in names
    assert all(s.fast for s in specs)
    assert all('fashion_mnist' in s.config for s in specs)
    seeds = {s.options['randomness.seed'] for s in specs if s.role == 'student'}
    assert seeds == {0, 1, 2}
    assert all(s.options['test_dataloader.dataset.data_root'] == '/some/where' for s in specs)
    from sokd_mm.apis.pipeline import seed_table
    table = seed_table([dict(name='a', top1=90.0), dict(name='a_seed1', top1=92.0),
                        dict(name='b', top1=50.0)])
    assert '| a | 91.00 +- 1.41 | 2 |' in table and '| b | 50.00 +- 0.00 | 1 |' in table


def test_both_panels_of_the_training_curves_name_their_runs(tmp_path):
    from sokd_mm.apis.pipeline import training_curves_figure
    for name, loss in (('teacher_a', 2.0), ('student_b', 1.0)):
        log = tmp_path / name / '20260101_000000' / 'vis_data'
        log.mkdir(parents=True)
        log.joinpath('scalars.json').write_text(
            json.dumps(dict(loss=loss, iter=4, epoch=1, step=4)) + '\n' +
            json.dumps({'accuracy/top1': 50.0, 'step': 1}) + '\n')
    results = [dict(name='teacher_a', role='teacher'), dict(name='student_b', role='student')]
    fig = training_curves_figure(results, str(tmp_path))
    for ax in fig.axes:  # the loss panel and the accuracy panel
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            'teacher_a (teacher)', 'student_b (student)']


def test_the_demo_plan_scales_every_schedule_to_its_budget():
    """The default plan trains each config for 10 epochs by the budget study's rule: lr steps
    at 62.5/75/87.5 %, the SoKD search (where the config has one) in the first 1/12."""
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import demo
    specs = {s.name: s.options for s in demo.demo_specs()}
    assert all(o['train_cfg.max_epochs'] == 10 and o['param_scheduler.milestones'] == [6, 8, 9]
               for o in specs.values())
    assert specs['student_resnet8_sokd_fitnet']['model.search_epochs'] == 1
    assert specs['student_resnet8_sokd_kd']['model.search_epochs'] == 1
    # SoKD+ searches nothing, and nothing else is SoKD.
    assert [n for n, o in specs.items() if 'model.search_epochs' in o] == [
        'student_resnet8_sokd_fitnet', 'student_resnet8_sokd_kd']
    assert demo.demo_specs(epochs=60)[0].options['param_scheduler.milestones'] == [38, 45, 52]
