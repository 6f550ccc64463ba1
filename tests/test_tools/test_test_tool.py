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
    assert (metrics['config'], metrics['checkpoint']) == (CONFIG, resnet56_ckpt)
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


def test_a_checkpoint_of_another_model_is_refused_with_one_error_line(tmp_path,
                                                                       resnet56_ckpt):
    """mmengine only warns about missing keys and scores the random initialisation; test.py
    refuses instead, and points to export_weights.py for a distillation checkpoint."""
    import torch
    resnet8 = osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py')
    proc = _test([resnet8, resnet56_ckpt], check=False)
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    assert last.startswith('Error:') and 'does not fit' in last and 'unexpected' in last, last
    # A distillation checkpoint (student under architecture.) tested with a plain config
    weights = torch.load(resnet56_ckpt, weights_only=True)['state_dict']
    distilled = {f'architecture.{k}': v for k, v in weights.items()}
    distilled.update({f'teacher.{k}': v for k, v in weights.items()})
    path = str(tmp_path / 'kd.pth')
    torch.save({'state_dict': distilled, 'meta': {}}, path)
    proc = _test([CONFIG, path], check=False)
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 1 and 'export_weights.py' in last and '--part student' in last, \
        last
