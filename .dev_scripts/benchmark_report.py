"""The benchmarks' summary table, generated from their committed JSON (benchmarks/results/):
`python .dev_scripts/benchmark_report.py` prints the markdown that docs/en/benchmarks.md
carries (`python .dev_scripts/gen_docs.py` writes it there; tests/test_docs_results.py fails
when the two differ). Developer tooling: it imports nothing from the repository's folders."""
import json
import os.path as osp
from typing import List

RESULTS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'benchmarks', 'results')


def _load(name: str) -> dict:
    path = osp.join(RESULTS, f'{name}.json')
    return json.load(open(path)) if osp.isfile(path) else {}


def _where(data: dict) -> str:
    machine = data.get('machine', {})
    meta = data.get('meta', {})
    device = machine.get('gpu') or f"{machine.get('cpu_count', '?')}-core CPU, " \
        f"{machine.get('threads', '?')} thread(s)"
    if not machine.get('gpu') and 'conv_gflops_per_thread' in machine:
        # absolute times from two CPUs compare through their speed per thread
        device += f" ({machine['conv_gflops_per_thread']:.0f} conv GFLOP/s per thread)"
    return f"{device}; torch {machine.get('torch', '?')}; {meta.get('date', 'date not recorded')}"


def _verdict(ratio: float, target: float) -> str:
    return f'{ratio:.2f}x (target <= {target:.2f}x: {"met" if ratio <= target else "**not met**"})'


def rows() -> List[str]:
    lines = ['| benchmark | what | measured | where |', '|---|---|---|---|']
    so = _load('soteacher_step')
    if so:
        lines.append(f"| `soteacher_step.py` | SoTeacher / vanilla {so['model']} step, batch "
                     f"{so['batch']} | {_verdict(so['ratio'], so['target_ratio'])} | "
                     f"{_where(so)} |")
    sokd = _load('sokd_step')
    names = dict(sokd_after_search='after the search, the authors\' DAM',
                 sokd_live_after_search='after the search, the live DAM',
                 sokd_search_first_order='first-order search step',
                 sokd_search_second_order='second-order search step',
                 sokd_search_reference='reference search step (the configs\' mode)',
                 sokd_after_search_device_sampling='after the search, the authors\' DAM, '
                                                   'device sampling (`--fast`)',
                 sokd_search_reference_device_sampling='reference search step, device '
                                                       'sampling (`--fast`)')
    counts = sokd.get('host_waits_and_flops', {})
    for key, label in names.items():
        ratio = sokd.get('ratios', {}).get(key)
        if ratio:
            extra = ''
            if key in counts:  # arithmetic floor and waits: in the JSON since they are counted
                extra = (f"; FLOPs {ratio['flops_ratio']:.2f}x; "
                         f"{counts[key]['host_waits']:g} host waits per step")
            lines.append(f"| `sokd_step.py` | SoKD-FitNet {sokd['pair']} {label} / FitNet, "
                         f"batch {sokd['batch']} | "
                         f"{_verdict(ratio['time_ratio'], ratio['target_time_ratio'])}{extra} | "
                         f'{_where(sokd)} |')
    peer = _load('peer_sokd_step')
    labels = dict(fitnet='FitNet step', sokd_after_search='SoKD step after the search',
                  sokd_search='SoKD search step (reference mode / their Architect)')
    for key, label in labels.items():
        ratio = peer.get('ratios', {}).get(key)
        if ratio:
            wall = (_verdict(ratio['time_ratio'], ratio['target_time_ratio'])
                    if ratio.get('target_time_ratio') else f"{ratio['time_ratio']:.2f}x")
            lines.append(f"| `peer_sokd_step.py` | ours / the SoKD authors' code, {label}, "
                         f"{peer['pair']} batch {peer['batch']} | {wall}; CPU time "
                         f"{ratio['cpu_time_ratio']:.2f}x; FLOPs {ratio['flops_ratio']:.2f}x | "
                         f'{_where(peer)} |')
    over = _load('framework_overhead')
    for run in over.get('runs', []):
        lines.append(f"| `framework_overhead.py` | {over['step']} through the runner / plain "
                     f"PyTorch step | {_verdict(run['ratio'], run['target_ratio'])} | "
                     f'{_where(over)} |')
    real = over.get('real_run')
    if real:
        lines.append(f"| `framework_overhead.py` | a real `tools/train.py` FitNet run (from its "
                     f"log) / plain PyTorch step | {_verdict(real['ratio'], real['target_ratio'])}"
                     f"; the config's 2 loader workers forced: "
                     f"{real['ratio_config_workers']:.2f}x | {_where(over)} |")
    if over:
        lines.append(f"| `framework_overhead.py` | CIFAR loader (2 workers) / the step's demand "
                     f"| {over['loader_images_per_s']:.0f} / "
                     f"{over['step_demand_images_per_s']:.0f} images/s | {_where(over)} |")
    demo = _load('demo_time')
    if demo:
        lines.append(f"| `demo_time.py` | `make demo` from a fresh work dir, {len(demo['runs'])} "
                     f"runs | {demo['total_s']:.0f} s (target <= {demo['target_s']} s: "
                     f"{'met' if demo['meets_target'] else '**not met**'}) | {_where(demo)} |")
    fast = _load('gpu_fast')
    if fast:
        o = fast['overhead']
        lines.append(f"| `gpu_fast.py` | framework overhead per iteration, trivial model, "
                     f"standard / fast runtime | {o['standard_overhead_us']:.0f} / "
                     f"{o['fast_overhead_us']:.0f} us ({o['overhead_reduction']:.1f}x less) | "
                     f'{_where(fast)} |')
        for run in fast.get('runs', []):
            search = (f", search {run['search_seconds_per_step']:.3f} s"
                      if run.get('search_seconds_per_step') else '')
            waits = ''
            if 'host_waits_per_step' in run:
                waits = f"; {run['host_waits_per_step']:g} host waits per step"
                if 'search_host_waits_per_step' in run:
                    waits += f" ({run['search_host_waits_per_step']:g} searching)"
            lines.append(f"| `gpu_fast.py` | {run['method']} step, {run['runtime']} runtime, "
                         f"{run['precision']} | {run['seconds_per_step']:.3f} s{search}{waits} | "
                         f'{_where(fast)} |')
    return lines


def main(argv=None) -> None:
    import argparse
    argparse.ArgumentParser(description=__doc__).parse_args(argv)  # --help, nothing else
    print('\n'.join(rows()))


if __name__ == '__main__':
    main()
