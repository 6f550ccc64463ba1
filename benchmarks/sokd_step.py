"""SoKD's cost against FitNet, ResNet56 -> ResNet20, batch 64, side by side in one process:
a training step after the search (target <= 1.15x FitNet; the authors' DAM and our live
DAM), and a search step in each mode: first order (<= 2x), second order (<= 3.5x) and the
reference mode the configs use (<= 3.5x: the same four evaluations as the second order).
Steps of the variants are interleaved in rounds so that machine noise hits all alike. Peak
memory: CUDA max allocated on a GPU; on CPU the peak resident memory of the steps above the
resident set before them (fresh process per variant).

Next to the times, per variant and step: ``host_waits`` (reads of device tensors and blocking
host-to-device copies, ``sokd_mm.utils.host_waits``; 0 is what the fast runtime needs) and
``gflops`` (forward and backward FLOPs of convolutions and matrix products,
``torch.utils.flop_counter``): their ratio to FitNet's is the time ratio a compute-bound machine
cannot beat. ``*_device_sampling`` variants draw the augmentation on the device, as the fast
runtime does.

    python benchmarks/sokd_step.py [--steps 30] [--warmup 3] [--device cpu|cuda]
        [--out benchmarks/results/sokd_step.json]
"""
import argparse
import os.path as osp
import subprocess
import sys
from collections import Counter
from typing import Dict

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import torch  # noqa: E402

import sokd_mm  # noqa: E402,F401
from benchmarks.common import machine, time_steps, write_json  # noqa: E402

SOKD = 'configs/sokd/sokd_fitnet_r56_r20_cifar100.py'
VARIANTS = {
    # name: (config, search mode or None, searching?)
    'fitnet': ('configs/fitnet/fitnet_r56_r20_cifar100.py', None, False),
    'sokd_after_search': (SOKD, 'first_order', False),
    'sokd_live_after_search': ('configs/sokd/ablation/sokd_fitnet_live_r56_r20_cifar100.py',
                               'first_order', False),
    'sokd_search_first_order': (SOKD, 'first_order', True),
    'sokd_search_second_order': (SOKD, 'second_order', True),
    'sokd_search_reference': (SOKD, 'reference', True),
    'sokd_after_search_device_sampling': (SOKD, 'first_order', False),
    'sokd_search_reference_device_sampling': (SOKD, 'reference', True),
}
TARGETS = {'sokd_after_search': 1.15, 'sokd_live_after_search': 1.15,
           'sokd_search_first_order': 2.0, 'sokd_search_second_order': 3.5,
           'sokd_search_reference': 3.5, 'sokd_after_search_device_sampling': 1.15,
           'sokd_search_reference_device_sampling': 3.5}


def build(variant: str, device: str):
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope
    from mmrazor.registry import MODELS
    path, search, _ = VARIANTS[variant]
    cfg = Config.fromfile(osp.join(REPO, path))
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True,
                     data_preprocessor=cfg.data_preprocessor)
    if search:
        model_cfg.search = search
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg).to(device)
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    if variant.endswith('_device_sampling'):
        for augmenter in model.distiller.augmenters.values():
            augmenter.sampling = 'device'
    return model, wrapper


def make_step(variant: str, device: str):
    from mmpretrain.structures import DataSample
    model, wrapper = build(variant, device)
    torch.manual_seed(0)
    # One batch tensor, as the fast runtime hands the model (a list of images would be
    # stacked by mmengine's stack_batch, whose padding check reads a host tensor).
    data = dict(inputs=torch.randint(0, 256, (64, 3, 32, 32), dtype=torch.uint8),
                data_samples=[DataSample(metainfo=dict(sample_idx=i)).set_gt_label(i % 100)
                              for i in range(64)])
    return train_step(model, wrapper, data, VARIANTS[variant][2])


def train_step(model, wrapper, data: dict, searching: bool):
    """One training step of ``model`` on ``data``, in the search or after it."""
    from mmengine.logging import MessageHub
    hub = MessageHub.get_current_instance()

    def step():
        hub.update_info('epoch', 0 if searching else 10**6)
        hub.update_info('max_epochs', 240)
        model.train_step(data, wrapper)

    return step


def child_peak_rss(variant: str, steps: int, device: str) -> float:
    """Memory (MB) training steps need above the built model: a fresh process builds the
    variant, resets the kernel's peak-RSS counter (/proc/self/clear_refs), runs ``steps`` steps
    and reads VmHWM - VmRSS(before). Measured from the first step on: after one step the
    allocator keeps the freed activations resident and later steps reuse them, so a peak taken
    after a warm-up step shows only what a step adds to that (near 0 for the largest steps)."""
    code = (f'import sys; sys.path.insert(0, {REPO!r}); from benchmarks.sokd_step import '
            f'make_step, rss_mb; s = make_step({variant!r}, {device!r})\n'
            "open('/proc/self/clear_refs', 'w').write('5'); before = rss_mb('VmRSS')\n"
            f'for _ in range({steps}): s()\n'
            "print(rss_mb('VmHWM') - before)")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    return float(out)


def host_waits_and_flops(step, steps: int = 4) -> Dict:
    """Host waits (call sites grouped by kind) and GFLOPs per step of a timed variant (its model
    and batch, made before the counter, count as device tensors), averaged over ``steps``
    steps: both depend on the drawn sub-policy (an op that applies adds reads on the host path
    and, in the search, a backward pass to the magnitudes)."""
    from torch.utils.flop_counter import FlopCounterMode
    from sokd_mm.utils.host_waits import HostWaitCounter
    with HostWaitCounter() as counter:
        step()  # tensors the step keeps (e.g. optimizer state) are made under the counter
        counter.active = True
        for _ in range(steps):
            step()
        counter.active = False
    with FlopCounterMode(display=False) as flops:
        for _ in range(steps):
            step()
    kinds = Counter(site.split(' at ')[0] for site in counter.sites)
    return dict(host_waits=len(counter.sites) / steps,
                host_wait_kinds={k: n / steps for k, n in kinds.items()},
                gflops=flops.get_total_flops() / 1e9 / steps, steps=steps)


def rss_mb(field: str) -> float:
    for line in open('/proc/self/status'):
        if line.startswith(field + ':'):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', default=osp.join(REPO, 'benchmarks', 'results',
                                                  'sokd_step.json'))
    args = parser.parse_args(argv)
    cuda = args.device.startswith('cuda')
    steps = {v: make_step(v, args.device) for v in VARIANTS}
    rounds, per = 3, {v: [] for v in VARIANTS}
    for _ in range(rounds):
        for v, step in steps.items():
            per[v].append(time_steps(step, args.warmup, max(args.steps // rounds, 1), cuda))
    results = {}
    for v in VARIANTS:
        medians = sorted(r['median_s'] for r in per[v])
        results[v] = dict(median_s=medians[len(medians) // 2], rounds=per[v])
    memory = {}
    for v in VARIANTS:
        if cuda:
            torch.cuda.reset_peak_memory_stats()
            steps[v]()
            memory[v] = torch.cuda.max_memory_allocated() / 2**20
        else:
            memory[v] = child_peak_rss(v, 3, args.device)
    counts = {v: host_waits_and_flops(step) for v, step in steps.items()}
    base_t, base_m = results['fitnet']['median_s'], memory['fitnet']
    ratios = {v: dict(time_ratio=results[v]['median_s'] / base_t,
                      memory_ratio=memory[v] / base_m, target_time_ratio=TARGETS[v],
                      flops_ratio=counts[v]['gflops'] / counts['fitnet']['gflops'],
                      meets_target=results[v]['median_s'] / base_t <= TARGETS[v])
              for v in TARGETS}
    write_json(args.out, dict(benchmark='sokd_step', pair='resnet56->resnet20', batch=64,
                              device=args.device, machine=machine(), results=results,
                              peak_memory_mb=memory,
                              memory_kind='cuda max allocated' if cuda else
                              'peak RSS of 3 steps above the RSS of the built model (fresh '
                              'process)',
                              ratios=ratios, host_waits_and_flops=counts))


if __name__ == '__main__':
    main()
