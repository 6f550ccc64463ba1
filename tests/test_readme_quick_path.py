"""The README's five-minute path works as written: its commands, copy-pasted in order (with a
few images and the generated Fashion-MNIST files in place of the real ones), train a teacher,
distil a student from the checkpoint the README names, and test it."""
import os
import os.path as osp
import shlex

from benchmarks.quick_start import quick_start_blocks
from tests.conftest import PYTHON, REPO, run_tool


def _quick_path_commands() -> list:
    readme = open(osp.join(REPO, 'README.md')).read()
    return [shlex.split(line) for block in quick_start_blocks(readme) for line in block]


def test_readme_quick_path_trains_and_tests_a_student(tmp_path, fashion_mnist_root):
    commands = _quick_path_commands()
    assert [c[1] for c in commands] == ['tools/train.py', 'tools/train.py', 'tools/test.py'] * 2
    for name in ('tools', 'configs'):  # the README's relative paths, in a scratch folder
        os.symlink(osp.join(REPO, name), tmp_path / name)
    small = ['train_dataloader.dataset.indices=64', 'val_dataloader.dataset.indices=64',
             'test_dataloader.dataset.indices=64']
    fashion = [f'{loader}.dataset.data_root={fashion_mnist_root}'
               for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    for command in commands:
        extra = small + (fashion if 'fashion_mnist' in command[2] else [])
        args = [PYTHON, *command[1:]]
        args += extra if '--cfg-options' in args else ['--cfg-options', *extra]
        run_tool(args, cwd=str(tmp_path))
    assert osp.isfile(tmp_path / 'work_dirs' / 'kd_r20_r8_digits' / 'epoch_30.pth')
    assert osp.isfile(tmp_path / 'work_dirs' / 'kd_r20_r8_fashion_mnist' / 'epoch_5.pth')
    # the metrics land in the run's work dir, naming what they score
    import json
    metrics = json.load(open(tmp_path / 'work_dirs' / 'kd_r20_r8_fashion_mnist' / 'metrics.json'))
    assert metrics['checkpoint'].endswith('work_dirs/kd_r20_r8_fashion_mnist/epoch_5.pth')
