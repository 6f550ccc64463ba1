"""tools/analysis_tools: analyze_logs.py draws curves and computes training time from a work dir's
logs; get_flops.py measures the networks of a config (student and teacher of a distillation
config); teacher_quality.py refuses a distillation config with one Error: line."""
import json
import os
import os.path as osp

from tests.conftest import PYTHON, REPO, run_tool

TOOLS = osp.join(REPO, 'tools', 'analysis_tools')


def _fake_logs(root):
    os.makedirs(root / '20261127_000000' / 'vis_data')
    lines = [dict(loss=2.0 - i * 0.1, time=0.1 + 0.01 * (i // 5), epoch=i // 5 + 1,
                  iter=i + 1, step=i + 1) for i in range(10)]
    lines += [{'accuracy/top1': 50.0, 'step': 1}, {'accuracy/top1': 60.0, 'step': 2}]
    (root / '20261127_000000' / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(json.dumps(line) for line in lines))


def test_analyze_logs_curves_and_time(tmp_path):
    _fake_logs(tmp_path)
    run_tool([PYTHON, osp.join(TOOLS, 'analyze_logs.py'), 'plot_curve', str(tmp_path)])
    assert osp.getsize(tmp_path / 'curves.png') > 5000
    out = run_tool([PYTHON, osp.join(TOOLS, 'analyze_logs.py'), 'cal_train_time',
                    str(tmp_path)]).stdout
    assert 'slowest epoch 2 (0.1100 s), fastest epoch 1 (0.1000 s)' in out
    bad = run_tool([PYTHON, osp.join(TOOLS, 'analyze_logs.py'), 'plot_curve', str(tmp_path),
                    '--keys', 'los'], check=False)
    assert bad.returncode == 1 and "no logged value named 'los'" in bad.stderr


def test_get_flops_of_a_distillation_config():
    out = run_tool([PYTHON, osp.join(TOOLS, 'get_flops.py'),
                    osp.join(REPO, 'configs/kd/kd_r56_r20_cifar100.py')]).stdout
    student = next(line for line in out.splitlines() if '(student)' in line)
    teacher = next(line for line in out.splitlines() if '(teacher)' in line)
    assert '| 0.28 |' in student and '| 0.86 |' in teacher  # ResNet20, ResNet56 (M params)


def test_teacher_quality_refuses_a_distillation_config(tmp_path, resnet56_ckpt):
    proc = run_tool([PYTHON, osp.join(TOOLS, 'teacher_quality.py'),
                     osp.join(REPO, 'configs/kd/kd_r56_r20_cifar100.py'), resnet56_ckpt],
                    check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('Error:') and 'configs/vanilla' in last, last


def test_the_old_tools_analysis_path_still_runs_with_a_deprecation_message(tmp_path):
    _fake_logs(tmp_path)
    old = run_tool([PYTHON, osp.join(REPO, 'tools', 'analysis', 'analyze_logs.py'),
                    'cal_train_time', str(tmp_path)])
    assert 'slowest epoch 2 (0.1100 s), fastest epoch 1 (0.1000 s)' in old.stdout
    assert 'Deprecated: tools/analysis/analyze_logs.py moved to ' \
        'tools/analysis_tools/analyze_logs.py' in old.stderr
    def scripts(folder):
        return {n for n in os.listdir(folder) if n.endswith('.py')}
    # one forwarder per tool that lived in tools/analysis/ (a tool added since has none)
    moved = {'analyze_logs.py', 'get_flops.py', 'teacher_quality.py', 'visualize_sokd.py'}
    assert scripts(osp.join(REPO, 'tools', 'analysis')) == moved <= scripts(TOOLS)
