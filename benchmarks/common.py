"""Shared helpers of the benchmarks: machine description, timing, JSON output."""
import json
import os
import os.path as osp
import platform
import statistics
import sys
import time
from typing import Callable, Dict

import torch


def machine() -> Dict:
    info = dict(platform=platform.platform(), python=platform.python_version(),
                torch=torch.__version__, cpu_count=os.cpu_count(),
                threads=torch.get_num_threads(), cuda=torch.cuda.is_available())
    info.update(cpu=cpu_model(), cpu_capability=torch.backends.cpu.get_cpu_capability(),
                conv_gflops_per_thread=round(conv_gflops_per_thread(), 1))
    if torch.cuda.is_available():
        info['gpu'] = torch.cuda.get_device_name(0)
    return info


def cpu_model() -> str:
    """The CPU's name with its family/model numbers: VMs often report only 'AMD EPYC', and
    the numbers tell one generation (and its speed per thread) from another."""
    fields = {}
    try:
        for line in open('/proc/cpuinfo'):
            key, _, value = line.partition(':')
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or 'unknown'
    return (f"{fields.get('model name', 'unknown')} (family {fields.get('cpu family', '?')}, "
            f"model {fields.get('model', '?')})")


def conv_gflops_per_thread(warmup_s: float = 1.0, windows: int = 5,
                           window_s: float = 0.3) -> float:
    """Forward+backward GFLOP/s of a ResNet-CIFAR-sized 3x3 convolution on one CPU thread, the
    median of ``windows`` timed windows after ``warmup_s`` of the same work (the first calls
    set up oneDNN's kernels and read 25 % low): the machine's speed in the unit the training
    steps are made of, so that absolute times measured on two machines can be compared
    (ratios between steps need no such help)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        conv = torch.nn.Conv2d(32, 32, 3, padding=1, bias=False)
        x = torch.randn(64, 32, 16, 16, requires_grad=True)
        flops = 3 * 2 * 64 * 32 * 32 * 9 * 16 * 16  # forward, input and weight gradients

        def run(seconds: float) -> float:
            start, n = time.perf_counter(), 0
            while time.perf_counter() - start < seconds:
                conv(x).sum().backward()
                n += 1
            return flops * n / (time.perf_counter() - start) / 1e9

        run(warmup_s)
        return statistics.median(run(window_s) for _ in range(windows))
    finally:
        torch.set_num_threads(threads)


def time_steps(step: Callable[[], None], warmup: int, steps: int, cuda: bool) -> Dict:
    """Median/mean wall seconds of ``step`` over ``steps`` calls after ``warmup`` calls, and the
    median CPU seconds of this process (all its threads) per call."""
    for _ in range(warmup):
        step()
    times, cpu = [], []
    for _ in range(steps):
        if cuda:
            torch.cuda.synchronize()
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        if cuda:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return dict(median_s=statistics.median(times), mean_s=statistics.mean(times),
                min_s=min(times), cpu_median_s=statistics.median(cpu), steps=steps,
                warmup=warmup)


def write_json(path: str, payload: Dict) -> None:
    """Write a benchmark's results with where they come from (command, commit, date)."""
    import datetime
    import subprocess
    commit = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True,
                            cwd=osp.dirname(osp.abspath(__file__))).stdout.strip() or None
    payload.setdefault('meta', dict(command='python ' + ' '.join(sys.argv), commit=commit,
                                    date=datetime.date.today().isoformat()))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(payload, f, indent=2)
    print(json.dumps(payload, indent=2))


def write_cifar(root: str, n_train: int) -> None:
    """Generated CIFAR-100 files in the original pickle layout (the tests' writer)."""
    sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'tests'))
    from conftest import write_cifar100
    write_cifar100(root, n_train=n_train, n_test=64)
