"""A non-editable install ships the tracked configs, the tools and model-index.yml inside the
package (sokd_mm/.mim, as OpenMMLab packages do): from outside the checkout, the installed
plugin builds its configs, and `mim train`, `mim test` and `mim search` work on it."""
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

# openmim and what its commands import, installed by `make venv` beside the environment
# (requirements/mim.txt says why not into it)
MIM_SITE = osp.join(REPO, '.venv', 'mim')


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """(site dir, cwd outside any checkout): the package installed from a copy of the
    checkout's tracked files plus an untracked config, which must stay out of the wheel."""
    root = tmp_path_factory.mktemp('installed')
    source = root / 'source'
    tracked = subprocess.run(['git', 'ls-files', '-z'], cwd=REPO, check=True,
                             capture_output=True).stdout.decode().split('\0')
    for name in filter(None, tracked):
        if osp.isfile(osp.join(REPO, name)):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(osp.join(REPO, name), source / name)
    subprocess.run(['git', 'init', '-q'], cwd=source, check=True)
    subprocess.run(['git', 'add', '-A'], cwd=source, check=True)
    (source / 'configs' / 'vanilla' / 'my_untracked_probe.py').write_text("_base_ = []\n")
    site = str(root / 'site')
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
                    '--no-build-isolation', '--target', site, str(source)], check=True,
                   capture_output=True, text=True, timeout=600)
    elsewhere = root / 'elsewhere'
    elsewhere.mkdir()
    return site, str(elsewhere)


@pytest.mark.xdist_group('installed_wheel')
def test_installed_package_finds_and_builds_its_configs(installed):
    site, cwd = installed
    mim_root = osp.join(site, 'sokd_mm', '.mim')
    assert osp.isfile(osp.join(mim_root, 'configs', 'vanilla', 'resnet8_digits.py'))
    assert not osp.exists(osp.join(mim_root, 'configs', 'vanilla', 'my_untracked_probe.py'))
    code = (
        'import os.path as osp, sokd_mm\n'
        'from mmengine.config import Config\n'
        'from sokd_mm.utils.config_helpers import CONFIG_ROOT\n'
        f'assert sokd_mm.__file__.startswith({site!r}), sokd_mm.__file__\n'
        f'assert CONFIG_ROOT.startswith({site!r}), CONFIG_ROOT\n'
        "cfg = Config.fromfile(osp.join(CONFIG_ROOT, 'sokd', 'sokd_kd_r56_r20_cifar100.py'))\n"
        "print(cfg.model.architecture.backbone.depth, cfg.model.type)\n"
        "mine = Config.fromfile('my_kd.py')  # a user's config inheriting a shipped one\n"
        "print(mine.model.type, mine.train_cfg.max_epochs)\n")
    with open(osp.join(cwd, 'my_kd.py'), 'w') as f:
        f.write("_base_ = ['sokd_mm::kd/kd_r20_r8_digits.py']\ntrain_cfg = dict(max_epochs=3)\n")
    out = subprocess.run([sys.executable, '-c', code], cwd=cwd, env=dict(
        os.environ, PYTHONPATH=site), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-2:] == ['20 SoKDDistill',
                                                    'StrictTeacherDistill 3']


@pytest.mark.xdist_group('installed_wheel')
def test_mim_trains_tests_and_searches_the_installed_package(installed):
    site, cwd = installed
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([site, MIM_SITE]), OMP_NUM_THREADS='1')

    def mim(*args):
        done = subprocess.run([sys.executable, '-m', 'mim', *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        return done.stdout + done.stderr

    trained = mim('train', 'sokd_mm', 'vanilla/resnet8_digits.py', '--work-dir', 'w',
                  '--cfg-options', 'train_cfg.max_epochs=1')
    # mim ran the shipped tool on the shipped config
    assert osp.join(site, 'sokd_mm', '.mim', 'tools', 'train.py') in trained
    assert osp.isfile(osp.join(cwd, 'w', 'epoch_1.pth'))
    tested = mim('test', 'sokd_mm', 'vanilla/resnet8_digits.py', '--checkpoint',
                 osp.join(cwd, 'w', 'epoch_1.pth'))
    assert 'accuracy/top1' in tested
    found = mim('search', 'sokd_mm', '--model', 'kd')
    assert 'configs/kd/kd_r20_r8_digits.py' in found


@pytest.mark.xdist_group('installed_wheel')
def test_the_console_scripts_train_test_and_run_a_spec_from_anywhere(installed):
    site, cwd = installed
    env = dict(os.environ, PYTHONPATH=site, OMP_NUM_THREADS='1')
    scripts = osp.join(site, 'bin')

    def run(name, *args):
        done = subprocess.run([osp.join(scripts, name), *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        return done.stdout + done.stderr

    # a user's config inheriting a shipped one, trained and tested by the installed tools
    with open(osp.join(cwd, 'mine.py'), 'w') as f:
        f.write("_base_ = ['sokd_mm::vanilla/resnet8_digits.py']\n"
                'train_cfg = dict(max_epochs=1)\n')
    run('sokd-train', 'mine.py', '--work-dir', 'cs')
    assert osp.isfile(osp.join(cwd, 'cs', 'epoch_1.pth'))
    run('sokd-test', 'mine.py', osp.join('cs', 'epoch_1.pth'), '--out', 'cs/metrics.json')
    assert 'accuracy/top1' in open(osp.join(cwd, 'cs', 'metrics.json')).read()
    # a one-cell SPEC naming a shipped config: the runner launches the package's trainer
    with open(osp.join(cwd, 'spec.py'), 'w') as f:
        f.write("work_dir = 'matrix'\nseeds = [0]\n"
                "teachers = dict(resnet20=dict(vanilla='configs/vanilla/resnet20_digits.py'))\n"
                "pairs = [dict(teacher='resnet20', student='resnet8', methods=dict(student="
                "'configs/vanilla/resnet8_digits.py'))]\n"
                "cfg_options = {'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1}\n")
    out = run('sokd-matrix', 'spec.py')
    assert '-m sokd_mm.cli.train' in out
    results = sorted(p for p in os.listdir(osp.join(cwd, 'matrix'))
                     if osp.isfile(osp.join(cwd, 'matrix', p, 'result.json')))
    assert results == ['resnet20_resnet8_student_seed0', 'teacher_resnet20_vanilla'], results
