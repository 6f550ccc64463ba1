"""A non-editable install ships the configs inside the package (mim-style): from outside the
checkout, the installed plugin finds its configs and builds a distillation config."""
import os
import subprocess
import sys

from tests.conftest import REPO


def test_installed_package_finds_and_builds_its_configs(tmp_path):
    target = str(tmp_path / 'site')
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
                    '--no-build-isolation', '--target', target, REPO], check=True,
                   capture_output=True, text=True, timeout=600)
    code = (
        'import os.path as osp, sokd_mm\n'
        'from mmengine.config import Config\n'
        'from sokd_mm.utils.config_helpers import CONFIG_ROOT\n'
        f'assert sokd_mm.__file__.startswith({target!r}), sokd_mm.__file__\n'
        f'assert CONFIG_ROOT.startswith({target!r}), CONFIG_ROOT\n'
        "cfg = Config.fromfile(osp.join(CONFIG_ROOT, 'sokd', 'sokd_kd_r56_r20_cifar100.py'))\n"
        "print(cfg.model.architecture.backbone.depth, cfg.model.type)\n")
    env = dict(os.environ, PYTHONPATH=target)
    out = subprocess.run([sys.executable, '-c', code], cwd=str(tmp_path), env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == '20 SoKDDistill'
