"""Shared fixtures: CIFAR-100 files generated in the original pickle format, a teacher
checkpoint, and a helper that runs the real command-line tools in a subprocess."""
import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# Test-only modules (reference architectures, a weight-dump hook) importable by name.
sys.path.insert(0, osp.join(REPO, 'tests', 'helpers'))
# The developer scripts (docs generation, the benchmark report), importable by name.
sys.path.insert(0, osp.join(REPO, '.dev_scripts'))
PYTHON = sys.executable


def write_cifar100(root: str, n_train: int = 200, n_test: int = 100, seed: int = 0) -> str:
    """Write ``root/cifar-100-python/{train,test,meta}`` exactly as the official archive lays
    them out (latin1-compatible pickles of dicts with ``data`` N x 3072 uint8 in CHW order,
    ``fine_labels``, ``coarse_labels``, ``filenames``, ``batch_label``)."""
    rng = np.random.RandomState(seed)
    folder = osp.join(root, 'cifar-100-python')
    os.makedirs(folder, exist_ok=True)
    for split, n in (('train', n_train), ('test', n_test)):
        fine = [i % 100 for i in range(n)]
        entry = {
            'filenames': [f'img_{i}.png' for i in range(n)],
            'batch_label': f'{split}ing batch 1 of 1',
            'fine_labels': fine,
            'coarse_labels': [f // 5 for f in fine],
            'data': rng.randint(0, 256, size=(n, 3072), dtype=np.uint8),
        }
        with open(osp.join(folder, split), 'wb') as f:
            pickle.dump(entry, f, protocol=2)
    with open(osp.join(folder, 'meta'), 'wb') as f:
        pickle.dump({'fine_label_names': [f'c{i}' for i in range(100)],
                     'coarse_label_names': [f'g{i}' for i in range(20)]}, f, protocol=2)
    return root


@pytest.fixture(scope='session')
def cifar100_root(tmp_path_factory) -> str:
    return write_cifar100(str(tmp_path_factory.mktemp('cifar100')))


@pytest.fixture(scope='session')
def resnet56_ckpt(tmp_path_factory) -> str:
    """A (randomly initialised) resnet56 classifier checkpoint in mmengine's format."""
    import torch

    from sokd_mm.utils.complexity import build_base_classifier
    torch.manual_seed(0)
    model = build_base_classifier('resnet56')
    path = str(tmp_path_factory.mktemp('teacher') / 'resnet56.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path


@pytest.fixture(scope='session')
def trained_resnet56_ckpt(tmp_path_factory, cifar100_root) -> str:
    """A resnet56 briefly trained (one epoch) on the generated CIFAR-100 files: a teacher whose
    features have a trained network's scale, not an initialisation's."""
    work = str(tmp_path_factory.mktemp('trained_teacher'))
    run_tool([PYTHON, osp.join(REPO, 'tools', 'train.py'),
              osp.join(REPO, 'configs', 'vanilla', 'resnet56_cifar100.py'), '--work-dir', work,
              '--cfg-options', *small_cifar_options(cifar100_root, batch=25)])
    return osp.join(work, 'epoch_1.pth')


def small_cifar_options(root: str, batch: int = 16, epochs: int = 1) -> list:
    """--cfg-options that point a CIFAR-100 config at generated files and shrink the run."""
    opts = [f'train_cfg.max_epochs={epochs}', 'train_cfg.val_interval=1',
            'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=1']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.dataset.data_root={root}', f'{loader}.dataset.check_md5=False',
                 f'{loader}.batch_size={batch}', f'{loader}.num_workers=0',
                 f'{loader}.persistent_workers=False']
    return opts


def write_fashion_mnist(root: str, n_train: int = 64, n_test: int = 32, seed: int = 0) -> str:
    """Write the four Fashion-MNIST files exactly as published: gzip-compressed IDX, big-endian
    headers (magic 2051 and N, 28, 28 for images; 2049 and N for labels), uint8 payloads."""
    import gzip
    import struct
    rng = np.random.RandomState(seed)
    os.makedirs(root, exist_ok=True)
    for prefix, n in (('train', n_train), ('t10k', n_test)):
        images = rng.randint(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        with gzip.open(osp.join(root, f'{prefix}-images-idx3-ubyte.gz'), 'wb') as f:
            f.write(struct.pack('>IIII', 2051, n, 28, 28) + images.tobytes())
        with gzip.open(osp.join(root, f'{prefix}-labels-idx1-ubyte.gz'), 'wb') as f:
            f.write(struct.pack('>II', 2049, n) + labels.tobytes())
    return root


@pytest.fixture(scope='session')
def fashion_mnist_root(tmp_path_factory) -> str:
    return write_fashion_mnist(str(tmp_path_factory.mktemp('fashion_mnist')))


def run_tool(args: list, cwd: str = REPO, timeout: int = 600, env: dict = None,
             check: bool = True) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + osp.join(REPO, 'tests', 'helpers'),
                    OMP_NUM_THREADS='1', **(env or {}))
    proc = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    if check:
        _check_exit(args, proc)
    return proc


def _check_exit(args: list, proc: subprocess.CompletedProcess) -> None:
    if proc.returncode != 0:
        raise AssertionError(f'{" ".join(args)} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}')


def _load_check_port():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'check_port', osp.join(REPO, 'tools', 'misc', 'check_port.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A port nothing listens on, drawn below Linux's ephemeral range (32768 and up) so that no
    outgoing connection takes it before torchrun binds it; drawn at random so that the two
    xdist workers' launches do not pick the same one."""
    import random
    port_is_free = _load_check_port().port_is_free
    draw = random.SystemRandom()
    return next(port for port in iter(lambda: draw.randrange(20000, 32000), None)
                if port_is_free(port))


def run_distributed(args: list, env: dict = None, check: bool = True,
                    attempts: int = 3) -> subprocess.CompletedProcess:
    """run_tool for tools/dist_*.sh on a free port (PORT), started again on another when a
    process elsewhere bound it first: the launch then fails before any work (the script's
    port check, or torchrun's store with EADDRINUSE), so nothing of the test's run is lost."""
    for _ in range(attempts):
        proc = run_tool(args, env={'PYTHON': PYTHON, **(env or {}), 'PORT': str(free_port())},
                        check=False)
        taken = proc.returncode != 0 and ('is in use on this machine' in proc.stderr
                                          or 'EADDRINUSE' in proc.stderr)
        if not taken:
            break
    if check:
        _check_exit(args, proc)
    return proc


@pytest.fixture
def train_tool():
    def run(config: str, *options: str, check: bool = True, extra: list = (),
            env: dict = None):
        args = [PYTHON, osp.join(REPO, 'tools', 'train.py'), config, *extra]
        if options:
            args += ['--cfg-options', *options]
        return run_tool(args, check=check, env=env)
    return run


def dist_train_rank_weights(tmp_path, config: str, options: list,
                            extra_hooks: str = '') -> tuple:
    """Train ``config`` with tools/dist_train.sh on 2 CPU processes and return each rank's
    final state dict (saved by the test-only RankWeightsDumpHook)."""
    import torch
    work = str(tmp_path / 'ddp')
    os.makedirs(work, exist_ok=True)
    cfg = tmp_path / 'with_rank_dump.py'
    cfg.write_text(f"_base_ = ['{config}']\n"
                   "custom_imports = dict(imports=['sokd_mm', 'rank_weights_hook'])\n"
                   f"custom_hooks = [{extra_hooks}dict(type='RankWeightsDumpHook', "
                   f"out_dir='{work}')]\n")
    run_distributed(['bash', osp.join(REPO, 'tools', 'dist_train.sh'), str(cfg), '2',
                     '--work-dir', work, '--cfg-options', *options])
    return tuple(torch.load(osp.join(work, f'rank{r}.pth')) for r in (0, 1))


@pytest.fixture(scope='session')
def tiny_cifar100_root(tmp_path_factory) -> str:
    """48 training images (3 iterations of 16) and 16 test images: for runs repeated 3 times."""
    return write_cifar100(str(tmp_path_factory.mktemp('cifar100_tiny')), n_train=48, n_test=16)


def config_with_faults(tmp_path, config: str) -> str:
    """A child of ``config`` with the test-only fault injection (tests/helpers/fault_injection.py,
    switched on by environment variables) so that one config runs clean, faulty and resumed."""
    path = tmp_path / f'faulty_{osp.basename(config)}'
    path.write_text(f"_base_ = ['{config}']\n"
                    "custom_imports = dict(imports=['sokd_mm', 'fault_injection'])\n"
                    "default_hooks = dict(fault_injection=dict(type='FaultInjectionHook'))\n")
    return str(path)


@pytest.fixture(scope='session')
def uninterrupted_run(tmp_path_factory):
    """``run(config, options, flags)``: the work dir of an uninterrupted training of ``config``
    (with the test faults hook, switched off) and those options, trained once per session and
    shared by the tests that compare an interrupted run with it."""
    cache = {}

    def run(config: str, options: list, flags: tuple = ()) -> str:
        key = (config, tuple(options), tuple(flags))
        if key not in cache:
            root = tmp_path_factory.mktemp('uninterrupted')
            cfg = config_with_faults(root, osp.join(REPO, config))
            work = str(root / 'work')
            run_tool([PYTHON, osp.join(REPO, 'tools', 'train.py'), cfg, '--work-dir', work,
                      *flags, '--cfg-options', *options])
            cache[key] = work
        return cache[key]
    return run


def assert_same_state(a, b, where: str = 'checkpoint') -> None:
    """Recursively equal: tensors bit for bit, arrays, numbers, containers."""
    import torch
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.shape == b.shape and torch.equal(a, b), where
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b), where
    elif isinstance(a, dict):
        assert set(a) == set(b), f'{where}: keys {set(a) ^ set(b)}'
        for k in a:
            assert_same_state(a[k], b[k], f'{where}.{k}')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_state(x, y, f'{where}[{i}]')
    else:
        assert a == b, f'{where}: {a!r} != {b!r}'
