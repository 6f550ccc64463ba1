"""The matrix runner on generated CIFAR-format data, a 2 (teacher kinds) x 2 (seeds) KD
SPEC: killed midway and restarted, it runs only the missing cells, and the collected
table has every cell."""
import glob
import json
import os
import signal
import subprocess
import time

from tests.conftest import PYTHON, REPO, run_tool, small_cifar_options


def _spec(tmp_path, root, ckpt_dir) -> str:
    data = {o.split('=', 1)[0]: o.split('=', 1)[1] for o in small_cifar_options(root, batch=50)}
    spec = tmp_path / 'spec.py'
    spec.write_text(f"""
work_dir = {str(tmp_path / 'matrix')!r}
seeds = [0, 1]
teacher_kinds = ['vanilla', 'soteacher']
cfg_options = {data!r}
teachers = dict(resnet56=dict(
    vanilla=dict(config='configs/vanilla/resnet8_cifar100.py'),
    soteacher=dict(config='configs/soteacher/soteacher_resnet56_cifar100.py',
                   cfg_options={{'model.backbone.depth': 8,
                                 'model.soteacher_loss.num_samples': 200}})))
_small = {{'model.teacher.backbone.depth': 8, 'model.architecture.backbone.depth': 8}}
pairs = [dict(teacher='resnet56', student='resnet20', methods=dict(
    kd=dict(config='configs/kd/kd_r56_r20_cifar100.py', cfg_options=_small)))]
""")
    return str(spec)


def _dry_spec(tmp_path):
    path = tmp_path / 'dry_spec.py'
    path.write_text(open(tmp_path / 'spec.py').read().replace(
        repr(str(tmp_path / 'matrix')), repr(str(tmp_path / 'dry'))))
    return path


def test_killed_matrix_resumes_and_collects_every_cell(tmp_path, cifar100_root):
    spec = _spec(tmp_path, cifar100_root, tmp_path)
    work = tmp_path / 'matrix'
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    cmd = [PYTHON, f'{REPO}/tools/run_matrix.py', spec]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.time() + 400
    while len(glob.glob(str(work / '*' / 'result.json'))) < 3 and time.time() < deadline:
        time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read()[-3000:]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {os.path.basename(os.path.dirname(p))
                   for p in glob.glob(str(work / '*' / 'result.json'))}
    assert 3 <= len(done_before) < 6

    second = run_tool([*cmd, '--jobs', '2'], timeout=900)  # the rest, two cells at a time
    for name in done_before:
        assert f'{name}: finished before, skipped' in second.stdout
    results = glob.glob(str(work / '*' / 'result.json'))
    assert len(results) == 6  # 2 teachers + 2 kinds x 2 seeds

    # The same SPEC with another setting reuses nothing: refused with one Error: line.
    changed = tmp_path / 'spec_changed.py'
    changed.write_text(open(spec).read().replace(
        'teachers = dict(', "cfg_options['train_cfg.max_epochs'] = 2\nteachers = dict(", 1))
    refused = run_tool([PYTHON, f'{REPO}/tools/run_matrix.py', str(changed)], check=False)
    assert refused.returncode == 1 and 'other settings' in refused.stderr
    # So is the same SPEC through the fast runtime (bf16 on a GPU: other results).
    refused = run_tool([PYTHON, f'{REPO}/tools/run_matrix.py', spec, '--fast'], check=False)
    assert refused.returncode == 1 and 'other settings' in refused.stderr
    # --dry-run lists the commands without creating anything; --fast reaches every cell
    dry = run_tool([PYTHON, f'{REPO}/tools/run_matrix.py', str(_dry_spec(tmp_path)),
                    '--dry-run', '--fast'])
    assert 'teacher_resnet56_vanilla' in dry.stdout and not (tmp_path / 'dry').exists()
    commands = [line for line in dry.stdout.splitlines() if 'sokd_mm.cli.train' in line]
    assert commands and all(' --fast --cfg-options ' in line for line in commands)
    # pasteable: each line splits into the arguments it stands for, a student's teacher file is
    # where its unfinished teacher will write its last checkpoint
    import shlex
    for line in commands:
        args = shlex.split(line.split(': ', 1)[1])
        # the package's trainer (sokd-train), so an installed package runs SPECs too
        assert args[1:3] == ['-m', 'sokd_mm.cli.train'] and '--cfg-options' in args
        teacher = [a for a in args if a.startswith('model.teacher_ckpt=')]
        assert all(t.endswith('/epoch_1.pth') and '<' not in t for t in teacher), teacher
    assert any('model.teacher_ckpt=' in line for line in commands)

    run_tool([PYTHON, f'{REPO}/tools/collect_results.py', str(work)])
    collected = json.load(open(work / 'results.json'))
    rows = {(r['teacher_kind']): r for r in collected['rows']}
    assert set(rows) == {'vanilla', 'soteacher'}
    for row in rows.values():
        assert set(row['methods']) == {'kd'}
        assert all(m['n'] == 2 for m in row['methods'].values())
        for method, stats in row['methods'].items():  # each seed's value, in seed order
            seeds = [json.load(open(work / f"resnet56_resnet20_{method}_"
                                         f"{row['teacher_kind']}_seed{s}" / 'result.json'))
                     for s in (0, 1)]
            assert stats['values'] == [r['top1'] for r in seeds]
        assert row['reference']['kd'] == 70.66  # METHODS.md, ResNet56 -> ResNet20
    assert 'resnet56 -> resnet20' in open(work / 'results.md').read()


def _result(root, name, **fields):
    os.makedirs(root / name, exist_ok=True)
    (root / name / 'result.json').write_text(json.dumps(dict(name=name, **fields)))


def test_collected_table_is_paper_style(tmp_path):
    from sokd_mm.apis.matrix import collect, collected_markdown
    for kind, top1, ece in (('vanilla', 72.0, 5.0), ('soteacher', 71.0, 2.0)):
        _result(tmp_path, f't_{kind}', role='teacher', arch='resnet56', kind=kind, top1=top1,
                nll=1.0, ece=ece)
    for seed, top1 in enumerate((69.0, 70.0)):
        _result(tmp_path, f'alone{seed}', role='student', method='student', seed=seed,
                teacher_arch='resnet56', student='resnet20', teacher_kind=None, top1=top1)
        for kind in ('vanilla', 'soteacher'):
            for method in ('sokd_kd', 'kd', 'fitnet'):
                _result(tmp_path, f'{method}_{kind}{seed}', role='student', method=method,
                        seed=seed, teacher_arch='resnet56', student='resnet20',
                        teacher_kind=kind, top1=top1 + 1)
    collected = collect(str(tmp_path))
    assert [r['teacher_kind'] for r in collected['rows']] == ['soteacher', 'vanilla']
    table = collected_markdown(collected)
    lines = table.splitlines()
    assert "last epoch's validation" in lines[0]
    head = lines[2]
    # the student alone is a column; methods in the paper's order, each SoKD variant next to
    # its baseline; the references in their own columns
    assert head.index('| student |') < head.index('| kd |') < head.index('| sokd_kd |') \
        < head.index('| fitnet |') < head.index('| ref. kd |')
    vanilla = next(line for line in lines if '| vanilla |' in line)
    assert '| 69.50 +- 0.71 (n=2) |' in vanilla and '| 5.00 |' in vanilla
    assert '| 70.66 |' in vanilla  # RepDistiller's KD, ResNet56 -> ResNet20


def test_collector_refuses_a_demo_dir_with_one_error_line(tmp_path):
    _result(tmp_path, 'student_resnet8_kd', role='student', top1=99.0)
    proc = run_tool([PYTHON, f'{REPO}/tools/collect_results.py', str(tmp_path)], check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith('Error:')
    assert 'not a matrix cell result' in proc.stderr


def test_slots_pin_gpus_and_share_cpu_threads(monkeypatch):
    from sokd_mm.apis.matrix import _slot_env
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    monkeypatch.setattr(os, 'cpu_count', lambda: 16)
    envs = [_slot_env(slot, jobs=4, gpus=['0', '1']) for slot in range(4)]
    assert [e['CUDA_VISIBLE_DEVICES'] for e in envs] == ['0', '1', '0', '1']
    assert all(e['OMP_NUM_THREADS'] == '4' for e in envs)
    assert 'CUDA_VISIBLE_DEVICES' not in _slot_env(0, jobs=2, gpus=[]) or \
        os.environ.get('CUDA_VISIBLE_DEVICES') is not None


def test_held_out_validation_and_test_after_report_both_scores(tmp_path, fashion_mnist_root):
    """A SPEC that validates on images held out of the training split (``top1``) also scores
    every finished student once on the test split (``test_top1``), as tools/test.py does."""
    from sokd_mm.apis.matrix import collect
    data = {f'{loader}.dataset.data_root': fashion_mnist_root
            for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')}
    spec = tmp_path / 'spec.py'
    spec.write_text(f"""
work_dir = {str(tmp_path / 'm')!r}
seeds = [0]
test_after = True
cfg_options = {{**{data!r}, 'train_dataloader.dataset.indices': 40,
                'val_dataloader.dataset.split': 'train',
                'val_dataloader.dataset.index_range': (48, 64),
                'train_cfg.max_epochs': 1, 'train_dataloader.batch_size': 20}}
teachers = dict(resnet8=dict(vanilla='configs/vanilla/resnet8_fashion_mnist.py'))
pairs = [dict(teacher='resnet8', student='resnet8', methods=dict(
    student='configs/vanilla/resnet8_fashion_mnist.py',
    kd=dict(config='configs/kd/kd_r20_r8_fashion_mnist.py',
            cfg_options={{'model.teacher.backbone.depth': 8}})))]
""")
    run_tool([PYTHON, f'{REPO}/tools/run_matrix.py', str(spec)], timeout=600)
    for name in ('resnet8_resnet8_student_seed0', 'resnet8_resnet8_kd_vanilla_seed0'):
        result = json.load(open(tmp_path / 'm' / name / 'result.json'))
        test = run_tool([PYTHON, f'{REPO}/tools/test.py', f"{REPO}/{result['config']}",
                         result['checkpoint'], '--work-dir', str(tmp_path / 't'), '--out',
                         str(tmp_path / 't' / 'm.json'), '--cfg-options',
                         *[f'{k}={v}' for k, v in data.items()],
                         *(['model.teacher.backbone.depth=8'] if 'kd' in name else [])])
        assert test.returncode == 0
        assert result['test_top1'] == json.load(open(tmp_path / 't' / 'm.json'))['accuracy/top1']
        # 16 held-out images (multiples of 6.25%) vs 32 test images (multiples of 3.125%)
        assert (result['top1'] / 6.25).is_integer()
    row = collect(str(tmp_path / 'm'), 'test_top1')['rows'][0]
    assert row['methods']['kd']['mean'] == json.load(open(
        tmp_path / 'm' / 'resnet8_resnet8_kd_vanilla_seed0' / 'result.json'))['test_top1']


def test_an_entry_can_replace_the_specs_train_args(tmp_path):
    """CRD's dataset wrapper is refused by the fast runtime: its entry runs without --fast
    while the other cells keep it, and its fingerprint says so."""
    from sokd_mm.apis.matrix import _command, load_spec, plan
    spec_path = tmp_path / 'spec.py'
    spec_path.write_text(f"""
work_dir = {str(tmp_path / 'm')!r}
seeds = [0]
train_args = ['--fast']
teachers = dict(resnet20=dict(vanilla='configs/vanilla/resnet20_fashion_mnist.py'))
pairs = [dict(teacher='resnet20', student='resnet8', methods=dict(
    kd='configs/kd/kd_r20_r8_fashion_mnist.py',
    crd=dict(config='configs/crd/crd_r20_r8_fashion_mnist.py', train_args=[])))]
""")
    spec = load_spec(str(spec_path))
    commands = {c.name: _command(spec, c, str(tmp_path / c.name), 'x.pth') for c in plan(spec)}
    assert '--fast' in commands['teacher_resnet20_vanilla']
    assert '--fast' in commands['resnet20_resnet8_kd_vanilla_seed0']
    assert '--fast' not in commands['resnet20_resnet8_crd_vanilla_seed0']


def test_teacher_kinds_can_reuse_one_run_at_its_best_or_an_early_epoch(tmp_path,
                                                                      fashion_mnist_root):
    """An early-stopped teacher and a fixed-epoch teacher come from the standard teacher's run
    (no second training): students distil from its best held-out checkpoint and from its
    epoch-1 checkpoint, each teacher is scored on the test split, and a changed choice is
    refused in the old work dir."""
    import pytest
    from mmengine.config import Config

    from sokd_mm.apis.matrix import collect
    from sokd_mm.apis.run_identity import StaleRunError
    data = {f'{loader}.dataset.data_root': fashion_mnist_root
            for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')}
    spec = tmp_path / 'spec.py'
    text = f"""
work_dir = {str(tmp_path / 'm')!r}
seeds = [0]
cfg_options = {{**{data!r}, 'train_dataloader.dataset.indices': 40,
                'val_dataloader.dataset.split': 'train',
                'val_dataloader.dataset.index_range': (48, 64),
                'train_cfg.max_epochs': 3, 'train_dataloader.batch_size': 20,
                'default_hooks.checkpoint.interval': 1}}
teacher_kinds = ['standard', 'early_stopped', 'epoch1', 'scored_only']
teacher_train_images = {{'test_dataloader.dataset.split': 'train',
                        'test_dataloader.dataset.index_range': (0, 40)}}
teachers = dict(resnet8=dict(
    standard=dict(config='configs/vanilla/resnet8_fashion_mnist.py',
                  cfg_options={{'train_cfg.val_interval': 1,
                               'default_hooks.checkpoint.save_best': 'accuracy/top1',
                               'default_hooks.checkpoint.rule': 'greater'}}),
    early_stopped=dict(of='standard', checkpoint='best'),
    epoch1=dict(of='standard', checkpoint='epoch_1'),
    scored_only=dict(of='standard', checkpoint='best', distil=False)))
pairs = [dict(teacher='resnet8', student='resnet8', methods=dict(
    kd=dict(config='configs/kd/kd_r20_r8_fashion_mnist.py',
            cfg_options={{'model.teacher.backbone.depth': 8, 'train_cfg.max_epochs': 1}})))]
"""
    spec.write_text(text)
    out = run_tool([PYTHON, f'{REPO}/tools/run_matrix.py', str(spec)], timeout=600).stdout
    assert out.count('[start') == 4, out  # one teacher trained, three students
    assert 'min left' in out.split('[done', 2)[2]  # estimated from the cells measured so far
    m = tmp_path / 'm'
    best = glob.glob(str(m / 'teacher_resnet8_standard' / 'best_accuracy_top1_epoch_*.pth'))
    assert len(best) == 1
    teachers = {k: json.load(open(m / f'teacher_resnet8_{k}' / 'result.json'))
                for k in ('standard', 'early_stopped', 'epoch1')}
    assert teachers['early_stopped']['checkpoint'] == best[0]
    assert teachers['epoch1']['checkpoint'].endswith('teacher_resnet8_standard/epoch_1.pth')
    assert teachers['standard']['checkpoint'].endswith('epoch_3.pth')
    scalars = [json.loads(line) for p in glob.glob(str(
        m / 'teacher_resnet8_standard' / '*' / 'vis_data' / 'scalars.json')) for line in open(p)]
    val = {r['step']: r['accuracy/top1'] for r in scalars if 'accuracy/top1' in r}
    assert teachers['epoch1']['top1'] == val[1]
    assert teachers['early_stopped']['top1'] == max(val.values())
    for kind, teacher in teachers.items():
        assert teacher['test_top1'] is not None and teacher['nll'] > 0
        # scored on the students' training images too, with its own report
        assert 0 <= teacher['train_top1'] <= 100 and teacher['train_nll'] > 0
        quality = json.load(open(m / f'teacher_resnet8_{kind}' / 'teacher_quality_train' /
                                 'quality.json'))
        assert quality['checkpoint'] == teacher['checkpoint']
        assert quality['top1'] == teacher['train_top1']
        student = json.load(open(m / f'resnet8_resnet8_kd_{kind}_seed0' / 'result.json'))
        dumped = glob.glob(str(m / f'resnet8_resnet8_kd_{kind}_seed0' / '*.py'))[0]
        assert Config.fromfile(dumped).model.teacher_ckpt == teacher['checkpoint']
        assert student['teacher'] == f'teacher_resnet8_{kind}'
    collected = collect(str(m))
    rows = {r['teacher_kind']: r for r in collected['rows']}
    assert rows['epoch1']['teacher_top1'] == val[1]
    # the teachers' figures on the students' training images and the epoch of each checkpoint
    assert rows['standard']['teacher_train_top1'] == teachers['standard']['train_top1']
    assert (rows['standard']['teacher_epoch'], rows['epoch1']['teacher_epoch']) == (3, 1)
    assert rows['early_stopped']['teacher_epoch'] == max(val, key=lambda e: (val[e], -e))
    from sokd_mm.apis.matrix import collected_markdown
    assert '| teacher train top-1 | teacher train NLL | teacher train ECE (%) | teacher epoch |' \
        in collected_markdown(collected)
    # distil=False: scored (its checkpoint is the best one), no student trained from it
    scored = json.load(open(m / 'teacher_resnet8_scored_only' / 'result.json'))
    assert scored['checkpoint'] == best[0] and scored['test_top1'] is not None
    assert not glob.glob(str(m / '*scored_only_seed*'))
    # ... and still a row of the table, with no students
    assert rows['scored_only']['methods'] == {} and set(rows) == {
        'standard', 'early_stopped', 'epoch1', 'scored_only'}
    assert rows['scored_only']['teacher_top1'] == max(val.values())
    spec.write_text(text.replace("checkpoint='epoch_1'", "checkpoint='epoch_2'"))
    from sokd_mm.apis.matrix import run_matrix
    with pytest.raises(StaleRunError, match='teacher_resnet8_epoch1'):
        run_matrix(str(spec))


def test_a_spec_with_a_syntax_error_is_one_error_line(tmp_path):
    spec = tmp_path / 'spec.py'
    spec.write_text("work_dir = 'w'\nseeds = [0,\n")
    proc = run_tool([PYTHON, f'{REPO}/tools/run_matrix.py', str(spec)], check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"Error: the SPEC {spec} is not valid Python: '[' was never closed (line 2).")


def test_soteacher_regime_spec_plan():
    """The SoTeacher-regime study: teachers and students on the same images, four teacher
    trainings (the early-stopped one reuses the standard run), KD and DKD students of the
    standard, early-stopped and shipped SoTeacher teachers at 3 seeds, and the teachers nobody
    distils from trained after every student."""
    from sokd_mm.apis.matrix import load_spec, plan
    spec = load_spec(f'{REPO}/configs/matrix/fashion_mnist_soteacher_regime.py')
    cells = plan(spec)
    names = [c.name for c in cells]
    students = [c for c in cells if c.role == 'student']
    assert len(students) == 3 * (1 + 2 * 3)
    assert {c.info['teacher_kind'] for c in students} == {None, 'standard', 'early_stopped',
                                                         'soteacher'}
    assert names[-2:] == ['teacher_resnet20_soteacher_lr1e6_cr0',
                          'teacher_resnet20_soteacher_lr1e6_step']
    assert names.index('teacher_resnet20_soteacher') < names.index(students[0].name)
    images = spec.cfg_options['train_dataloader.dataset.index_range']
    assert spec.teacher_train_images['test_dataloader.dataset.index_range'] == images


def test_sokd_budget_specs_scale_schedule_and_search_with_the_budget():
    """The budget ladder: every method at 10, 30 and 60 epochs with the lr steps at 62.5 / 75 /
    87.5 % of the run and the search during its first twelfth (rounded up), sharing the
    ablation's teacher and work dir; the 3-seed SPEC runs the longest budget only."""
    from sokd_mm.apis.matrix import load_spec, plan
    spec = load_spec(f'{REPO}/configs/matrix/fashion_mnist_sokd_budget.py')
    ablation = load_spec(f'{REPO}/configs/matrix/fashion_mnist_sokd_ablation.py')
    assert spec.work_dir == ablation.work_dir and spec.teachers == ablation.teachers
    methods = spec.pairs[0]['methods']
    assert len(methods) == 6 * 3
    for name, entry in methods.items():
        epochs = int(name.rsplit('_', 1)[1][:-1])
        options = entry['cfg_options']
        assert options['train_cfg.max_epochs'] == epochs
        assert options['param_scheduler.milestones'] == {
            10: [6, 8, 9], 30: [19, 22, 26], 60: [38, 45, 52]}[epochs]
        if name.startswith(('sokd_fitnet', 'sokd_kd')):
            assert options['model.search_epochs'] == {10: 1, 30: 3, 60: 5}[epochs]
    seeds = plan(load_spec(f'{REPO}/configs/matrix/fashion_mnist_sokd_budget_seeds.py'))
    students = [c for c in seeds if c.role == 'student']
    assert len(students) == 6 * 3 and all('_60e_' in c.name for c in students)


def test_the_tuned_baselines_spec_gives_each_method_three_weights_at_60_epochs():
    """SoKD+-KD, KD and FitNet each get three weights on the 60-epoch schedule of the budget
    SPEC; the shipped weights are the budget SPEC's own cells (same recipe: not retrained)."""
    from sokd_mm.apis.matrix import load_spec
    spec = load_spec(f'{REPO}/configs/matrix/fashion_mnist_sokd_budget_tuned.py')
    budget = load_spec(f'{REPO}/configs/matrix/fashion_mnist_sokd_budget.py').pairs[0]['methods']
    methods = spec.pairs[0]['methods']
    assert sorted(methods) == sorted(
        [f'{m}_60e' for m in ('kd', 'kd_w0p3', 'kd_w3', 'fitnet', 'fitnet_w10', 'fitnet_w30',
                              'sokd_plus_kd', 'sokd_plus_kd_w10', 'sokd_plus_kd_w100')])
    for name in ('kd_60e', 'fitnet_60e', 'sokd_plus_kd_60e'):
        assert methods[name] == budget[name]
    for name, entry in methods.items():
        assert entry['cfg_options']['train_cfg.max_epochs'] == 60
        assert entry['cfg_options']['param_scheduler.milestones'] == [38, 45, 52]
    assert methods['kd_w3_60e']['cfg_options'][
        'model.distiller.distill_losses.loss_kd.loss_weight'] == 3.0
