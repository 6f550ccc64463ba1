"""The fast runtime against the standard one (issue: a 240-epoch CIFAR-100 run in minutes).

    python benchmarks/gpu_fast.py [--device auto|cpu|cuda] [--steps 200] [--warmup 30]
        [--concurrent 4] [--quick] [--out benchmarks/results/gpu_fast.json]

Always (the CPU proxies; on a GPU machine measured on the GPU as well):
  * ``overhead``: the framework's per-iteration cost with a trivial model (a linear classifier
    on 32x32x3 images, batch 64): one runner iteration (data, step, hooks, logging) minus the
    plain PyTorch step on a batch already in memory, in microseconds, for the standard runtime
    (mmpretrain pipeline in the main process, per-iteration ``.item()`` logging) and the fast
    one (``DeviceResidentTrainLoop``).
  * ``pipeline``: images/s that each data path delivers as normalised model input on the
    device: the config's mmpretrain pipeline through a DataLoader (0 and 2 workers) plus the
    data preprocessor, and the device-resident batch plus the same preprocessor.

With CUDA (or ``--device cpu --full`` to exercise the same code on a CPU):
  * ``runs``: KD ResNet56 -> ResNet20 and SoKD-FitNet ResNet56 -> ResNet20 (after its search;
    its search step separately): steps/s, peak memory and the projected 240-epoch wall time
    (782 steps per epoch at batch 64; SoKD: 20 search epochs + 220), for the standard runtime
    with AMP off/on (mmengine's fp16 ``AmpOptimWrapper``) and the fast runtime with bf16
    off/on.
    The fast rows add ``host_waits_per_step``: reads of device tensors and blocking
    host-to-device copies per step between sync points (``sokd_mm.utils.host_waits``; 0 is the
    fast runtime's promise), from a separate untimed run.
  * ``concurrency``: aggregate steps/s of 1 and N fast KD runs sharing the GPU (separate
    processes, as ``run_matrix.py --runs-per-gpu N`` starts them).

Data: generated CIFAR-100-format files (random pixels, the original pickle layout); teachers
are randomly initialised (speed does not depend on the weights).
"""
import argparse
import json
import math
import os
import os.path as osp
import subprocess
import sys
import tempfile
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import sokd_mm  # noqa: E402,F401
from benchmarks.common import machine, write_cifar, write_json  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402

STEPS_PER_EPOCH = math.ceil(50000 / 64)
KD = 'configs/kd/kd_r56_r20_cifar100.py'
SOKD = 'configs/sokd/sokd_fitnet_r56_r20_cifar100.py'
TRIVIAL = 'configs/vanilla/resnet8_cifar100.py'  # its data/runtime; the model is replaced


@MODELS.register_module(force=True)
class BenchmarkLinear(nn.Module):
    """The trivial model of the overhead proxy: one linear layer on the flattened image."""

    def __init__(self, num_classes: int = 100) -> None:
        super().__init__()
        self.fc = nn.Linear(3 * 32 * 32, num_classes)

    def forward(self, x):
        return (self.fc(x.flatten(1)), )


class IterClock(Hook):
    """Wall time from iteration ``warmup`` to the end of training (device synchronised at both
    ends) and the peak device memory: the steady-state cost per iteration, whatever the
    runtime defers."""

    priority = 'LOWEST'

    def __init__(self, warmup: int, cuda: bool) -> None:
        self.warmup, self.cuda = warmup, cuda
        self.start = self.end = None
        self.counted = 0

    def _sync(self) -> None:
        if self.cuda:
            torch.cuda.synchronize()

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter == self.warmup:
            self._sync()
            if self.cuda:
                torch.cuda.reset_peak_memory_stats()
            self.start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.start is not None:
            self.counted += 1

    def after_train(self, runner) -> None:
        self._sync()
        self.end = time.perf_counter()

    def seconds_per_iter(self) -> float:
        return (self.end - self.start) / self.counted

    def peak_mb(self):
        return torch.cuda.max_memory_allocated() / 2**20 if self.cuda else None


def build_cfg(config: str, root: str, device: str, fast: bool, precision: str, iters: int,
              search_epochs=None):
    """``config`` on the generated files for one epoch of ``iters`` batches of 64, no
    validation or checkpoints, in one of the runtimes / precisions."""
    from mmengine.config import Config

    from sokd_mm.apis import apply_fast_runtime
    cfg = Config.fromfile(osp.join(REPO, config))
    if 'teacher_ckpt' in cfg.model:
        cfg.model.update(teacher_ckpt=None, allow_random_teacher=True)
    if search_epochs is not None:
        cfg.model.search_epochs = search_epochs
    cfg.train_dataloader.dataset.update(data_root=root, check_md5=False,
                                        indices=list(range(iters * 64)))
    cfg.train_dataloader.update(num_workers=2 if device == 'cuda' else 0,
                                persistent_workers=False)
    cfg.train_cfg.update(max_epochs=1, val_interval=10**6)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='SafeCheckpointHook', interval=10**6,
                                        save_last=False)
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.work_dir = tempfile.mkdtemp()
    cfg.log_level = 'WARNING'
    cfg.device = device
    if fast:
        apply_fast_runtime(cfg, bf16=precision == 'bf16')
    elif precision == 'fp16':
        cfg.optim_wrapper.update(type='AmpOptimWrapper', loss_scale='dynamic')
    return cfg


def time_runner(cfg, warmup: int) -> dict:
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    clock = IterClock(warmup, cfg.device == 'cuda')
    runner.register_hook(clock, priority='LOWEST')
    runner.train()
    per_iter = clock.seconds_per_iter()
    return dict(seconds_per_step=per_iter, steps_per_s=1 / per_iter, peak_mb=clock.peak_mb(),
                timed_steps=clock.counted)


# -- the CPU proxies -----------------------------------------------------------------------
def trivial_cfg(root: str, device: str, fast: bool, iters: int):
    cfg = build_cfg(TRIVIAL, root, device, fast, 'fp32', iters)
    cfg.model.backbone = dict(type='BenchmarkLinear')
    cfg.model.neck = None
    cfg.model.head = dict(type='mmpretrain.ClsHead', loss=dict(type='mmpretrain.CrossEntropyLoss'))
    return cfg


def plain_step_seconds(device: str, steps: int, warmup: int) -> float:
    """The trivial model's step written in PyTorch on one normalised batch in memory."""
    torch.manual_seed(0)
    model = BenchmarkLinear().to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(64, 3, 32, 32, device=device)
    y = torch.randint(0, 100, (64, ), device=device)
    for i in range(warmup + steps):
        if i == warmup:
            if device == 'cuda':
                torch.cuda.synchronize()
            start = time.perf_counter()
        loss = F.cross_entropy(model(x)[0], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if device == 'cuda':
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def overhead(root: str, device: str, steps: int, warmup: int) -> dict:
    plain = plain_step_seconds(device, steps, warmup)
    out = dict(plain_step_us=plain * 1e6)
    for name, fast in (('standard', False), ('fast', True)):
        run = time_runner(trivial_cfg(root, device, fast, steps + warmup), warmup)
        out[f'{name}_iteration_us'] = run['seconds_per_step'] * 1e6
        out[f'{name}_overhead_us'] = (run['seconds_per_step'] - plain) * 1e6
    out['overhead_reduction'] = out['standard_overhead_us'] / max(out['fast_overhead_us'], 1e-9)
    return out


def pipeline_throughput(root: str, device: str, batches: int) -> dict:
    """Images/s delivered as normalised input on ``device`` by each data path."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from sokd_mm.datasets.device_pipeline import DeviceResidentData, batch_seed
    cfg = Config.fromfile(osp.join(REPO, TRIVIAL))
    cfg.train_dataloader.dataset.update(data_root=root, check_md5=False)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        preprocessor = MODELS.build(cfg.data_preprocessor).to(device)
        loaders = {workers: Runner.build_dataloader(dict(
            cfg.train_dataloader, num_workers=workers, persistent_workers=False))
            for workers in (0, 2)}

    def sync():
        if device == 'cuda':
            torch.cuda.synchronize()

    out = {}
    for workers, loader in loaders.items():
        it = iter(loader)
        preprocessor(next(it), True)
        sync()
        start, n = time.perf_counter(), 0
        for _ in range(batches):
            batch = next(it, None)
            if batch is None:
                it = iter(loader)
                batch = next(it)
            n += len(preprocessor(batch, True)['inputs'])
        sync()
        out[f'mmpretrain_pipeline_{workers}_workers_images_per_s'] = n / (
            time.perf_counter() - start)
    dataset = loaders[0].dataset
    data = DeviceResidentData(dataset, torch.device(device))
    order = torch.randperm(len(dataset)).tolist()
    preprocessor(data.batch(order[:64], 0), True)
    sync()
    start, n = time.perf_counter(), 0
    for b in range(batches):
        first = (b * 64) % (len(order) - 64)
        n += len(preprocessor(data.batch(order[first:first + 64], batch_seed(0, 0, b, 0)),
                              True)['inputs'])
    sync()
    out['device_resident_images_per_s'] = n / (time.perf_counter() - start)
    out['speedup_vs_2_workers'] = (out['device_resident_images_per_s']
                                   / out['mmpretrain_pipeline_2_workers_images_per_s'])
    return out


# -- the GPU runs ----------------------------------------------------------------------------
def host_waits_per_step(cfg, iters: int) -> float:
    """Reads of device tensors and blocking host-to-device copies per iteration between sync
    points (``sokd_mm.utils.host_waits``), from a separate untimed run: the counting mode
    slows every operation down."""
    from sokd_mm.utils.host_waits import run_host_waits
    cfg.default_hooks.logger.interval = 10**6  # no sync point inside the window
    # iterations 2 to iters - 2: the last one ends the epoch, a sync point by design
    return len(run_host_waits(cfg, 2, iters - 2)) / (iters - 3)


def model_runs(root: str, device: str, steps: int, warmup: int) -> list:
    settings = [('standard', 'fp32'), ('standard', 'fp16'), ('fast', 'fp32'), ('fast', 'bf16')]
    if device != 'cuda':  # no fp16/bf16 speed on a CPU: the code paths only
        settings = [('standard', 'fp32'), ('fast', 'fp32')]
    runs = []
    for config, method in ((KD, 'kd_r56_r20'), (SOKD, 'sokd_fitnet_r56_r20')):
        for runtime, precision in settings:
            search = 0 if config == SOKD else None
            step = time_runner(build_cfg(config, root, device, runtime == 'fast', precision,
                                         steps + warmup, search), warmup)
            row = dict(method=method, runtime=runtime, precision=precision, **step)
            total = STEPS_PER_EPOCH * 240 * step['seconds_per_step']
            if config == SOKD:
                search_step = time_runner(build_cfg(
                    config, root, device, runtime == 'fast', precision,
                    max(steps // 4, 2) + min(warmup, 5), 1), min(warmup, 5))
                row['search_seconds_per_step'] = search_step['seconds_per_step']
                total = STEPS_PER_EPOCH * (20 * search_step['seconds_per_step']
                                           + 220 * step['seconds_per_step'])
            row['projected_240_epochs_min'] = total / 60
            if runtime == 'fast':
                row['host_waits_per_step'] = host_waits_per_step(
                    build_cfg(config, root, device, True, precision, 8, search), 8)
                if config == SOKD:
                    row['search_host_waits_per_step'] = host_waits_per_step(
                        build_cfg(config, root, device, True, precision, 8, 1), 8)
            runs.append(row)
            print(json.dumps(row), flush=True)
    return runs


def concurrency(root: str, n: int, steps: int, warmup: int) -> dict:
    """Aggregate steps/s of 1 and ``n`` fast bf16 KD runs started together on one GPU."""
    def launch(count: int) -> float:
        procs = [subprocess.Popen(
            [sys.executable, __file__, '--single-run', root, '--steps', str(steps),
             '--warmup', str(warmup)], stdout=subprocess.PIPE, text=True,
            env=dict(os.environ, OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 2) // count))))
            for _ in range(count)]
        rates = [json.loads(p.communicate()[0].strip().splitlines()[-1])['steps_per_s']
                 for p in procs]
        return sum(rates)
    one, many = launch(1), launch(n)
    return dict(runs=n, one_run_steps_per_s=one, n_runs_total_steps_per_s=many,
                throughput_gain=many / one)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    parser.add_argument('--steps', type=int, default=200)
    parser.add_argument('--warmup', type=int, default=30)
    parser.add_argument('--concurrent', type=int, default=4)
    parser.add_argument('--full', action='store_true',
                        help='on a CPU: also the model runs (slow; checks the code paths)')
    parser.add_argument('--quick', action='store_true',
                        help='a few steps of everything: checks the script, measures nothing')
    parser.add_argument('--single-run', metavar='DATA_ROOT',
                        help=argparse.SUPPRESS)  # one fast bf16 KD run, for --concurrent
    parser.add_argument('--out', default=osp.join(REPO, 'benchmarks', 'results',
                                                  'gpu_fast.json'))
    args = parser.parse_args(argv)
    device = ('cuda' if torch.cuda.is_available() else 'cpu') if args.device == 'auto' \
        else args.device
    if args.single_run:
        run = time_runner(build_cfg(KD, args.single_run, 'cuda', True, 'bf16',
                                    args.steps + args.warmup), args.warmup)
        print(json.dumps(run))
        return
    if args.quick:
        args.steps, args.warmup = 4, 2
    root = tempfile.mkdtemp()
    write_cifar(root, max((args.steps + args.warmup) * 64, 1024))
    result = dict(benchmark='gpu_fast', machine=machine(), device=device, steps=args.steps,
                  warmup=args.warmup, quick=args.quick)
    result['overhead'] = overhead(root, device, args.steps, args.warmup)
    print(json.dumps(result['overhead']), flush=True)
    result['pipeline'] = pipeline_throughput(root, device, max(args.steps // 4, 4))
    print(json.dumps(result['pipeline']), flush=True)
    if device == 'cuda' or args.full or args.quick:
        result['runs'] = model_runs(root, device, args.steps, args.warmup)
    if device == 'cuda':
        result['concurrency'] = concurrency(root, args.concurrent, args.steps, args.warmup)
    write_json(args.out, result)


if __name__ == '__main__':
    main()
