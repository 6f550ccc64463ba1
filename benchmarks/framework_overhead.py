"""Framework overhead: the same FitNet ResNet56 -> ResNet20 training step (same models, batch
64, same data in memory) through our config and MMEngine's runner, and through a plain
PyTorch loop written here. Target: ratio <= 1.05. Also the CIFAR pipeline's throughput
(images/s, 2 workers) against what the training step consumes.

    python benchmarks/framework_overhead.py [--steps 30] [--warmup 5] [--device cpu|cuda]
        [--amp] [--out benchmarks/results/framework_overhead.json]
"""
import argparse
import os.path as osp
import statistics
import sys
import tempfile
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import sokd_mm  # noqa: E402,F401
from benchmarks.common import machine, write_json  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402

CONFIG = osp.join(REPO, 'configs', 'fitnet', 'fitnet_r56_r20_cifar100.py')


class StepTimer(Hook):
    """Wall time of each training iteration as the runner sees it."""

    def __init__(self, cuda: bool) -> None:
        self.cuda, self.times, self._t = cuda, [], None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if self.cuda:
            torch.cuda.synchronize()
        self._t = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.cuda:
            torch.cuda.synchronize()
        self.times.append(time.perf_counter() - self._t)


def write_cifar(root: str, n: int) -> None:
    sys.path.insert(0, osp.join(REPO, 'tests'))
    from conftest import write_cifar100
    write_cifar100(root, n_train=n, n_test=64)


def runner_times(root: str, steps: int, device: str, amp: bool):
    """Per-iteration times of the real runner on in-memory data (num_workers=0)."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(CONFIG)
    cfg.model.update(teacher_ckpt=None, allow_random_teacher=True)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.update(data_root=root, check_md5=False)
        cfg[key].update(num_workers=0, persistent_workers=False)
    cfg.train_cfg = dict(by_epoch=False, max_iters=steps, val_interval=10**9)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=10**9,
                                        save_last=False)
    cfg.default_hooks.logger.interval = 10**6
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.work_dir = tempfile.mkdtemp()
    cfg.device = device
    if amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.log_level = 'WARNING'
    runner = Runner.from_cfg(cfg)
    timer = StepTimer(device.startswith('cuda'))
    runner.register_hook(timer, priority='VERY_LOW')
    runner.train()
    return timer.times, runner


def plain_times(runner, root: str, steps: int, device: str, amp: bool):
    """The same step written directly in PyTorch, same modules, same batches."""
    model = runner.model
    student, teacher = model.architecture, model.teacher
    connector = model.distiller.connectors['hint_connector']
    params = list(student.parameters()) + list(connector.parameters())
    opt = torch.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=5e-4)
    mean = torch.tensor([129.304, 124.070, 112.434], device=device).view(1, 3, 1, 1)
    std = torch.tensor([68.170, 65.392, 70.418], device=device).view(1, 3, 1, 1)
    rng = np.random.RandomState(0)
    from sokd_mm.datasets import OfflineCIFAR100
    data = OfflineCIFAR100(data_root=root, split='train', check_md5=False)
    images = np.stack([data.get_data_info(i)['img'] for i in range(len(data))])
    labels = torch.tensor([data.get_data_info(i)['gt_label'] for i in range(len(data))])
    cuda = device.startswith('cuda')
    feats = {}
    student.backbone.layer3.register_forward_hook(lambda m, i, o: feats.__setitem__('s', o))
    teacher.backbone.layer3.register_forward_hook(lambda m, i, o: feats.__setitem__('t', o))
    scaler = torch.amp.GradScaler(enabled=amp)
    times = []
    for _ in range(steps):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        idx = rng.randint(0, len(images), 64)
        batch = images[idx].copy()
        pad = np.pad(batch, ((0, 0), (4, 4), (4, 4), (0, 0)))  # random crop + flip, as config
        ys, xs = rng.randint(0, 9, 2)
        batch = pad[:, ys:ys + 32, xs:xs + 32]
        if rng.rand() < 0.5:
            batch = batch[:, :, ::-1]
        x = torch.from_numpy(np.ascontiguousarray(batch)).permute(0, 3, 1, 2).to(device)
        x = (x.float() - mean) / std
        y = labels[idx].to(device)
        with torch.autocast(device.split(':')[0], enabled=amp):
            with torch.no_grad():
                teacher.extract_feat(x)
            logits = student.head(student.extract_feat(x))
            loss = F.cross_entropy(logits, y) + 100 * F.mse_loss(connector(feats['s']),
                                                                 feats['t'])
        opt.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        if cuda:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return times


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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--amp', action='store_true')
    parser.add_argument('--out', default=osp.join(REPO, 'benchmarks', 'results',
                                                  'framework_overhead.json'))
    args = parser.parse_args(argv)
    root = tempfile.mkdtemp()
    write_cifar(root, 2048)
    total = args.steps + args.warmup
    mm, runner = runner_times(root, total, args.device, args.amp)
    plain = plain_times(runner, root, total, args.device, args.amp)
    mm_med = statistics.median(mm[args.warmup:])
    plain_med = statistics.median(plain[args.warmup:])
    throughput = loader_throughput(root)
    write_json(args.out, dict(
        benchmark='framework_overhead', step='FitNet resnet56->resnet20, batch 64',
        device=args.device, amp=args.amp, machine=machine(),
        runner_median_s=mm_med, plain_median_s=plain_med, ratio=mm_med / plain_med,
        target_ratio=1.05, meets_target=mm_med / plain_med <= 1.05,
        loader_images_per_s=throughput, step_demand_images_per_s=64 / mm_med,
        loader_is_bottleneck=throughput < 64 / mm_med, steps=args.steps, warmup=args.warmup))


if __name__ == '__main__':
    main()
