"""Curves and training time from a run's logs (like mmpretrain's analyze_logs):

    python tools/analysis_tools/analyze_logs.py plot_curve WORK_DIR [--keys loss accuracy/top1]
        [--out curves.png]
    python tools/analysis_tools/analyze_logs.py cal_train_time WORK_DIR

Reads every ``WORK_DIR/*/vis_data/scalars.json`` (a resumed run has several), places training
iterations on the epoch axis and validation scalars at their epoch."""
import argparse
import os.path as osp
import statistics
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from sokd_mm.apis.run_records import log_files, scalar_records, series  # noqa: E402


def load_records(work_dir: str) -> list:
    if not log_files(work_dir):
        raise SystemExit(f'Error: no */vis_data/scalars.json under {work_dir}: give the work '
                         'dir of a training run.')
    return scalar_records(work_dir)


def plot_curve(records: list, keys: list, out: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(keys), figsize=(6 * len(keys), 4.5), squeeze=False)
    for ax, key in zip(axes[0], keys):
        points = series(records, key)
        if not points:
            raise SystemExit(f'Error: no logged value named {key!r}; logged: '
                             f'{sorted({k for r in records for k in r})}')
        ax.plot([e for e, _ in points], [v for _, v in points],
                marker='o' if len(points) < 50 else None, ms=3)
        ax.set_xlabel('epoch')
        ax.set_ylabel(key)
        ax.set_title(key)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
    print(f'Written: {out}')


def cal_train_time(records: list) -> dict:
    """Mean seconds per iteration of each epoch (the logged ``time``), the slowest and the
    fastest epoch, and their spread."""
    per_epoch = {}
    for r in records:
        if 'time' in r and 'iter' in r:
            per_epoch.setdefault(r['epoch'], []).append(r['time'])
    if not per_epoch:
        raise SystemExit('Error: the logs hold no training iteration times.')
    means = {e: statistics.mean(v) for e, v in per_epoch.items()}
    slowest, fastest = max(means, key=means.get), min(means, key=means.get)
    summary = dict(average_iter_time=statistics.mean(means.values()),
                   slowest_epoch=slowest, slowest_time=means[slowest],
                   fastest_epoch=fastest, fastest_time=means[fastest],
                   std_over_epochs=statistics.pstdev(means.values()))
    print(f"average iteration time: {summary['average_iter_time']:.4f} s; slowest epoch "
          f"{slowest} ({means[slowest]:.4f} s), fastest epoch {fastest} "
          f"({means[fastest]:.4f} s); std over epochs {summary['std_over_epochs']:.4f} s")
    return summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('task', choices=['plot_curve', 'cal_train_time'])
    parser.add_argument('work_dir')
    parser.add_argument('--keys', nargs='+', default=['loss', 'accuracy/top1'])
    parser.add_argument('--out', help='plot file (default: WORK_DIR/curves.png)')
    args = parser.parse_args(argv)
    records = load_records(args.work_dir)
    if args.task == 'plot_curve':
        plot_curve(records, args.keys, args.out or osp.join(args.work_dir, 'curves.png'))
    else:
        cal_train_time(records)


if __name__ == '__main__':
    sys.exit(main())
