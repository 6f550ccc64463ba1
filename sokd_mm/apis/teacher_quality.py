"""Teacher quality report: top-1, NLL, ECE, entropy on the test split, reliability diagram."""
import json
import os
import os.path as osp
from typing import Dict, Optional

from mmengine.config import Config


def evaluate_teacher(config: str, checkpoint: str, out_dir: str,
                     cfg_options: Optional[Dict] = None, n_bins: int = 15) -> Dict:
    """Run the config's test split through the checkpoint with mmpretrain's Accuracy and our
    CalibrationMetric; write ``quality.json``, ``quality.md`` and ``reliability.png`` into
    ``out_dir`` and return the figures."""
    from mmengine.runner import Runner
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'Checkpoint {checkpoint} not found.')
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    os.makedirs(out_dir, exist_ok=True)
    cfg.work_dir = out_dir
    cfg.load_from = checkpoint
    cfg.test_evaluator = [dict(type='mmpretrain.Accuracy', topk=(1, )),
                          dict(type='CalibrationMetric', n_bins=n_bins)]
    cfg.default_hooks.pop('checkpoint', None)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    calibration = next(m for m in runner.test_evaluator.metrics
                       if type(m).__name__ == 'CalibrationMetric')
    report = dict(config=config, checkpoint=checkpoint,
                  top1=float(metrics['accuracy/top1']), nll=float(metrics['calibration/nll']),
                  ece=float(metrics['calibration/ece']),
                  entropy=float(metrics['calibration/entropy']),
                  reliability=calibration.last_reliability)
    with open(osp.join(out_dir, 'quality.json'), 'w') as f:
        json.dump(report, f, indent=2)
    with open(osp.join(out_dir, 'quality.md'), 'w') as f:
        f.write(quality_markdown(report) + '\n')
    draw_reliability(report, osp.join(out_dir, 'reliability.png'))
    return report


def quality_markdown(report: Dict) -> str:
    return ('| top-1 (%) | NLL | ECE (%, 15 bins) | mean entropy (nats) |\n'
            '|---:|---:|---:|---:|\n'
            f"| {report['top1']:.2f} | {report['nll']:.4f} | {report['ece']:.2f} | "
            f"{report['entropy']:.4f} |")


def draw_reliability(report: Dict, path: str) -> None:
    """Accuracy against confidence per bin, with the diagonal of perfect calibration and the
    share of samples per bin below."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    bins = report['reliability']
    centers = [(b['lower'] + b['upper']) / 2 for b in bins]
    width = bins[0]['upper'] - bins[0]['lower']
    acc = [b['accuracy'] if b['count'] else 0.0 for b in bins]
    conf = [b['confidence'] if b['count'] else c for b, c in zip(bins, centers)]
    total = max(sum(b['count'] for b in bins), 1)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5, 6), sharex=True,
                                      gridspec_kw=dict(height_ratios=[3, 1]))
    top.bar(centers, acc, width=width, edgecolor='black', color='tab:blue', label='accuracy')
    top.bar(centers, [c - a if b['count'] else 0 for c, a, b in zip(conf, acc, bins)],
            bottom=acc, width=width, color='tab:red', alpha=0.3, edgecolor='tab:red',
            label='gap to confidence')
    top.plot([0, 1], [0, 1], 'k--', label='perfect calibration')
    top.set_ylabel('accuracy')
    top.set_ylim(0, 1)
    top.set_title(f"top-1 {report['top1']:.1f}%  ECE {report['ece']:.2f}%  "
                  f"NLL {report['nll']:.3f}")
    top.legend(loc='upper left', fontsize=8)
    bottom.bar(centers, [b['count'] / total for b in bins], width=width, color='gray',
               edgecolor='black')
    bottom.set_xlabel('confidence')
    bottom.set_ylabel('share of samples')
    bottom.set_xlim(0, 1)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
