"""The matrix runner on generated CIFAR-format data, a 2 (teacher kinds) x 2 (methods) x 2
(seeds) SPEC: killed midway and restarted, it runs only the missing cells, and the collected
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
    kd=dict(config='configs/kd/kd_r56_r20_cifar100.py', cfg_options=_small),
    fitnet=dict(config='configs/fitnet/fitnet_r56_r20_cifar100.py', cfg_options=_small)))]
""")
    return str(spec)


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
    assert 3 <= len(done_before) < 10

    second = run_tool(cmd, timeout=900)
    for name in done_before:
        assert f'{name}: finished before, skipped' in second.stdout
    results = glob.glob(str(work / '*' / 'result.json'))
    assert len(results) == 10  # 2 teachers + 2 kinds x 2 methods x 2 seeds

    run_tool([PYTHON, f'{REPO}/tools/collect_results.py', str(work)])
    collected = json.load(open(work / 'results.json'))
    rows = {(r['teacher_kind']): r for r in collected['rows']}
    assert set(rows) == {'vanilla', 'soteacher'}
    for row in rows.values():
        assert set(row['methods']) == {'kd', 'fitnet'}
        assert all(m['n'] == 2 for m in row['methods'].values())
        assert row['reference']['kd'] == 70.66  # METHODS.md, ResNet56 -> ResNet20
    assert 'resnet56 -> resnet20' in open(work / 'results.md').read()
