"""tools/test.py: --out metrics.json writes the metrics as JSON, --out x.pkl the predictions,
--work-dir is honoured, and a missing config or checkpoint is one Error: line."""
import json
import os.path as osp

from tests.conftest import PYTHON, REPO, run_tool, small_cifar_options

CONFIG = osp.join(REPO, 'configs/vanilla/resnet56_cifar100.py')


def _test(args, check=True):
    return run_tool([PYTHON, osp.join(REPO, 'tools', 'test.py'), *args], check=check)


def test_out_json_writes_metrics_and_pkl_predictions(tmp_path, cifar100_root, resnet56_ckpt):
    options = ['--cfg-options', *small_cifar_options(cifar100_root)]
    work = tmp_path / 'w'
    _test([CONFIG, resnet56_ckpt, '--out', str(tmp_path / 'm.json'), '--work-dir', str(work),
           *options])
    metrics = json.load(open(tmp_path / 'm.json'))
    assert 0 <= metrics['accuracy/top1'] <= 100
    assert any(work.glob('*/*.log'))  # the log went to --work-dir
    _test([CONFIG, resnet56_ckpt, '--out', str(tmp_path / 'p.pkl'), '--work-dir', str(work),
           *options])
    assert osp.getsize(tmp_path / 'p.pkl') > 0


def test_missing_config_checkpoint_and_bad_out_are_one_error_line(tmp_path, resnet56_ckpt):
    for args, phrase in (([str(tmp_path / 'nope.py'), resnet56_ckpt], 'config file'),
                         ([CONFIG, str(tmp_path / 'nope.pth')], 'checkpoint'),
                         ([CONFIG, resnet56_ckpt, '--out', 'm.txt'], '.json')):
        proc = _test(args, check=False)
        assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
        last = proc.stderr.strip().splitlines()[-1]
        assert last.startswith('Error:') and phrase in last, last
