"""Framework overhead: the same FitNet ResNet56 -> ResNet20 training step (same models, batch
64, same data in memory) through our config and MMEngine's runner, and through a plain
PyTorch step written here, run alternately on the same batches (each on its own copy of the
networks). Target: ratio <= 1.05. On a CPU also a *real run* (``real_run``): ``tools/train.py``
started as a user starts it, its per-iteration times read from its log, against the plain
step in a process of its own, alternately, and the same run with the config's 2 loader workers
forced (target <= 1.10). Also the CIFAR pipeline's throughput (images/s, 2 workers) against
what the training step consumes.

    python benchmarks/framework_overhead.py [--steps 30] [--warmup 5] [--device all|cpu|cuda]
        [--amp] [--out benchmarks/results/framework_overhead.json]

``--device all`` (default) measures the CPU and, on a machine with a GPU, CUDA with AMP off and
on, into one JSON (``runs``).
"""
import argparse
import copy
import os.path as osp
import statistics
import sys
import tempfile
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import sokd_mm  # noqa: E402,F401
from benchmarks.common import machine, write_cifar, write_json  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402

CONFIG = osp.join(REPO, 'configs', 'fitnet', 'fitnet_r56_r20_cifar100.py')


class PlainStep:
    """The FitNet step written directly in PyTorch, on its own copies of the runner's networks
    (same weights at the start, same optimizer settings), fed the runner's batches."""

    def __init__(self, model, device: str, amp: bool) -> None:
        self.student = copy.deepcopy(model.architecture)
        self.teacher = copy.deepcopy(model.teacher)
        self.connector = copy.deepcopy(model.distiller.connectors['hint_connector'])
        # The hint of the config: stage 2 (the authors' FitNet geometry).
        # The modes SingleTeacherDistill trains in (teacher_norm_eval=True). An earlier version
        # of this benchmark reused the runner's modules after runner.train(), which leaves the
        # student in eval mode: its BN skipped batch statistics and the plain loop looked
        # 1.28x faster than it is.
        self.student.train()
        self.connector.train()
        self.teacher.eval()
        params = list(self.student.parameters()) + list(self.connector.parameters())
        self.opt = torch.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=5e-4)
        self.mean = torch.tensor([129.304, 124.070, 112.434], device=device).view(1, 3, 1, 1)
        self.std = torch.tensor([68.170, 65.392, 70.418], device=device).view(1, 3, 1, 1)
        self.device, self.amp = device, amp
        self.scaler = torch.amp.GradScaler(enabled=amp)
        self.feats = {}
        self.student.backbone.layer2.register_forward_hook(
            lambda m, i, o: self.feats.__setitem__('s', o))

    def loss(self, data_batch: dict) -> torch.Tensor:
        """The FitNet loss of the batch: cross-entropy + 100 * MSE(connector(hint_s), hint_t)."""
        x = torch.stack(data_batch['inputs']).to(self.device)
        x = (x.float() - self.mean) / self.std
        y = torch.cat([s.gt_label for s in data_batch['data_samples']]).to(self.device)
        with torch.autocast(self.device.split(':')[0], enabled=self.amp):
            with torch.no_grad():
                # Up to the hint only, as the distiller's frozen teacher runs (its early
                # exit): layer3 and the head would feed nothing.
                t = self.teacher.backbone
                self.feats['t'] = t.layer2(t.layer1(t.relu(t.bn1(t.conv1(x)))))
            logits = self.student.head(self.student.extract_feat(x))
            return F.cross_entropy(logits, y) + 100 * F.mse_loss(
                self.connector(self.feats['s']), self.feats['t'])

    def __call__(self, data_batch: dict) -> None:
        loss = self.loss(data_batch)
        self.opt.zero_grad()
        self.scaler.scale(loss).backward()
        self.scaler.step(self.opt)
        self.scaler.update()


class InterleavedTimer(Hook):
    """Times every runner iteration and one plain step on the same batch, alternately before
    and after it: the two alternate step by step, and each goes first half of the time, so
    drift and the cost of running right after the data loader hit both alike."""

    def __init__(self, device: str, amp: bool) -> None:
        self.cuda = device.startswith('cuda')
        self.device, self.amp = device, amp
        self.runner_times, self.plain_times, self.plain_first = [], [], []
        self.runner_peak, self.plain_peak = [], []  # CUDA only: bytes allocated at the peak
        self.plain, self._t = None, None

    def _sync(self) -> None:
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()

    def _peak(self, into: list) -> None:
        if self.cuda:
            into.append(torch.cuda.max_memory_allocated())

    def _time_plain(self, data_batch: dict) -> None:
        self._sync()
        start = time.perf_counter()
        self.plain(data_batch)
        if self.cuda:
            torch.cuda.synchronize()
        self.plain_times.append(time.perf_counter() - start)
        self._peak(self.plain_peak)

    def before_train(self, runner) -> None:
        self.plain = PlainStep(runner.model, self.device, self.amp)

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.plain_first.append(runner.iter % 2 == 0)
        if self.plain_first[-1]:
            self._time_plain(data_batch)
        self._sync()
        self._t = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.cuda:
            torch.cuda.synchronize()
        self.runner_times.append(time.perf_counter() - self._t)
        self._peak(self.runner_peak)
        if not self.plain_first[-1]:
            self._time_plain(data_batch)


def interleaved_times(root: str, steps: int, device: str, amp: bool):
    """Per-iteration times of the real runner (our config, in-memory data, num_workers=0) and
    of the plain step, alternating."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(CONFIG)
    cfg.model.update(teacher_ckpt=None, allow_random_teacher=True)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.update(data_root=root, check_md5=False)
        cfg[key].update(num_workers=0, persistent_workers=False)
    cfg.train_cfg = dict(by_epoch=False, max_iters=steps, val_interval=10**9)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='SafeCheckpointHook', interval=10**9,
                                        save_last=False)
    cfg.default_hooks.logger.interval = 10**6
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.work_dir = tempfile.mkdtemp()
    cfg.device = device
    if amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.log_level = 'WARNING'
    runner = Runner.from_cfg(cfg)
    timer = InterleavedTimer(device, amp)
    # Lowest priority: the runner's own hooks of the iteration are inside the timed span.
    runner.register_hook(timer, priority='LOWEST')
    runner.train()
    peaks = dict(runner_peak_mb=max(timer.runner_peak) / 2**20,
                 plain_peak_mb=max(timer.plain_peak) / 2**20) if timer.cuda else dict(
        peak_memory='not measured on CPU: both steps share one process and its RSS')
    return timer.runner_times, timer.plain_times, timer.plain_first, peaks


def loader_throughput(root: str, batches: int = 20) -> float:
    """Images per second of the config's training dataloader (2 workers, augmentation)."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(CONFIG)
    cfg.train_dataloader.dataset.update(data_root=root, check_md5=False)
    loader = Runner.build_dataloader(cfg.train_dataloader)
    it = iter(loader)
    next(it)
    start, n = time.perf_counter(), 0
    for _ in range(batches):
        try:
            n += len(next(it)['inputs'])
        except StopIteration:
            it = iter(loader)
    return n / (time.perf_counter() - start)


def measure(root: str, device: str, amp: bool, steps: int, warmup: int) -> dict:
    """Runner and plain step medians for one device / AMP setting."""
    mm, plain, plain_first, peaks = interleaved_times(root, steps + warmup, device, amp)
    mm, plain, plain_first = (v[warmup:] for v in (mm, plain, plain_first))
    mm_med, plain_med = statistics.median(mm), statistics.median(plain)

    def medians(first: bool) -> dict:  # split by which of the two ran first
        return dict(runner_median_s=statistics.median(
            [t for t, f in zip(mm, plain_first) if f == first]), plain_median_s=statistics.median(
            [t for t, f in zip(plain, plain_first) if f == first]))

    ratio = mm_med / plain_med
    return dict(device=device, amp=amp, runner_median_s=mm_med, plain_median_s=plain_med,
                ratio=ratio, target_ratio=1.05, meets_target=ratio <= 1.05,
                by_order=dict(plain_first=medians(True), runner_first=medians(False)), **peaks)


def real_run_times(root: str, iters: int, extra=()) -> list:
    """Per-iteration seconds of a real ``tools/train.py`` FitNet run as a user starts it (the
    config's loaders, hooks, logging and checks; a random teacher, since no checkpoint can be
    downloaded here), read from its log (``vis_data/scalars.json``: MMEngine's ``time`` of
    every iteration, data loading included)."""
    import subprocess
    from sokd_mm.apis.run_records import scalar_records
    work = tempfile.mkdtemp()
    options = [f'{loader}.dataset.data_root={root}' for loader in
               ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    options += [f'{loader}.dataset.check_md5=False' for loader in
                ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    options += ['model.teacher_ckpt=None', 'model.allow_random_teacher=True',
                'train_cfg.max_epochs=1', 'default_hooks.logger.interval=1',
                'log_processor.window_size=1',
                f'train_dataloader.dataset.indices={iters * 64}', *extra]
    subprocess.run([sys.executable, osp.join(REPO, 'tools', 'train.py'), CONFIG,
                    '--work-dir', work, '--no-validate', '--cfg-options', *options],
                   check=True, capture_output=True)
    return [r['time'] for r in scalar_records(work) if 'time' in r and 'loss' in r]


def plain_step_times(root: str, steps: int) -> list:
    """Per-iteration seconds of the plain PyTorch FitNet step (``PlainStep``) on the same data,
    in a fresh process of its own: what the real run is compared with."""
    import subprocess
    code = (f'import sys; sys.path.insert(0, {REPO!r}); from benchmarks.framework_overhead '
            f'import _plain_times; print(_plain_times({root!r}, {steps}))')
    out = subprocess.run([sys.executable, '-c', code], check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    return [float(t) for t in out.strip('[]').split(',')]


def _plain_times(root: str, steps: int) -> list:
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner
    from mmrazor.registry import MODELS
    cfg = Config.fromfile(CONFIG)
    cfg.model.update(teacher_ckpt=None, allow_random_teacher=True)
    cfg.model.pop('_scope_', None)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg.model)
    cfg.train_dataloader.dataset.update(data_root=root, check_md5=False)
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(cfg.train_dataloader)
    batches = [b for _, b in zip(range(steps), loader)]
    step, times = PlainStep(model, 'cpu', False), []
    for batch in batches:
        start = time.perf_counter()
        step(batch)
        times.append(time.perf_counter() - start)
    return times


def real_run(root: str, iters: int, warmup: int) -> dict:
    """A real FitNet run's median iteration against the plain step's (each in its own
    process, alternately, twice): as a user starts it (the loader workers the machine leaves
    room for, ``sokd_mm.apis.cpu_workers``) and with the config's 2 workers forced."""
    rounds = {'real': [], 'plain': [], 'real_config_workers': []}
    for _ in range(2):
        rounds['plain'] += plain_step_times(root, iters)[warmup:]
        rounds['real'] += real_run_times(root, iters)[warmup:]
        rounds['real_config_workers'] += real_run_times(
            root, iters, ['train_dataloader.num_workers=2'])[warmup:]
    med = {k: statistics.median(v) for k, v in rounds.items()}
    return dict(real_median_s=med['real'], plain_median_s=med['plain'],
                real_config_workers_median_s=med['real_config_workers'],
                ratio=med['real'] / med['plain'],
                ratio_config_workers=med['real_config_workers'] / med['plain'],
                target_ratio=1.10, meets_target=med['real'] / med['plain'] <= 1.10,
                iterations=iters, warmup=warmup)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--device', default='all',
                        help='cpu, cuda, or all: cpu, plus cuda with AMP off and on when a GPU '
                        'is present')
    parser.add_argument('--amp', action='store_true', help='with --device cuda')
    parser.add_argument('--out', default=osp.join(REPO, 'benchmarks', 'results',
                                                  'framework_overhead.json'))
    args = parser.parse_args(argv)
    if args.device == 'all':
        settings = [('cpu', False)]
        if torch.cuda.is_available():
            settings += [('cuda', False), ('cuda', True)]
    else:
        settings = [(args.device, args.amp)]
    root = tempfile.mkdtemp()
    write_cifar(root, 2048)
    runs = [measure(root, device, amp, args.steps, args.warmup) for device, amp in settings]
    real = real_run(root, 32, args.warmup) if not torch.cuda.is_available() else None
    throughput = loader_throughput(root)
    slowest_demand = max(64 / r['runner_median_s'] for r in runs)
    write_json(args.out, dict(
        benchmark='framework_overhead', step='FitNet resnet56->resnet20, batch 64',
        machine=machine(), runs=runs, real_run=real, loader_images_per_s=throughput,
        step_demand_images_per_s=slowest_demand, loader_is_bottleneck=throughput < slowest_demand,
        steps=args.steps, warmup=args.warmup))


if __name__ == '__main__':
    main()
