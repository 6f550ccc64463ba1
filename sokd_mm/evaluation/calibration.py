"""How well a classifier's probabilities match the labels: NLL, ECE, entropy, reliability.

mmpretrain's metrics cover accuracy-type scores only; SoTeacher's claim is about the teacher's
probabilities, so this metric adds (over the evaluated split, probabilities p = softmax(z)):

    NLL     = -1/N sum_i log p_i[y_i]
    ECE     = sum_b |B_b|/N * |acc(B_b) - conf(B_b)|, 15 equal-width confidence bins
    entropy = -1/N sum_i sum_c p_ic log p_ic
"""
from typing import Dict, List, Sequence

import torch
from mmengine.evaluator import BaseMetric

from sokd_mm.errors import ConfigError
from sokd_mm.registry import METRICS


def calibration_stats(probs: torch.Tensor, labels: torch.Tensor, n_bins: int = 15) -> Dict:
    """The metrics above plus the per-bin ``reliability`` table (confidence, accuracy, count)."""
    probs = probs.double()
    conf, pred = probs.max(dim=1)
    correct = (pred == labels).double()
    nll = -torch.log(probs[torch.arange(len(labels)), labels].clamp_min(1e-12)).mean()
    entropy = -(probs * torch.log(probs.clamp_min(1e-12))).sum(1).mean()
    edges = torch.linspace(0, 1, n_bins + 1, dtype=torch.float64)
    # Bin b holds confidences in (edge_b, edge_b+1]; confidence is never 0 for a softmax.
    bins = torch.clamp(torch.bucketize(conf, edges, right=False) - 1, 0, n_bins - 1)
    ece, table = 0.0, []
    for b in range(n_bins):
        mask = bins == b
        count = int(mask.sum())
        if count:
            acc_b, conf_b = correct[mask].mean().item(), conf[mask].mean().item()
            ece += count / len(labels) * abs(acc_b - conf_b)
        else:
            acc_b = conf_b = float('nan')
        table.append(dict(lower=edges[b].item(), upper=edges[b + 1].item(), count=count,
                          accuracy=acc_b, confidence=conf_b))
    return dict(top1=100.0 * correct.mean().item(), nll=nll.item(), ece=100.0 * ece,
                entropy=entropy.item(), reliability=table)


@METRICS.register_module()
class CalibrationMetric(BaseMetric):
    """NLL, ECE (in %, ``n_bins`` bins) and mean entropy of the predicted distribution."""

    default_prefix = 'calibration'

    def __init__(self, n_bins: int = 15, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(n_bins, int) or n_bins < 1:
            raise ConfigError(f'CalibrationMetric: n_bins must be a positive integer, got '
                             f'{n_bins!r}')
        self.n_bins = n_bins
        self.last_reliability: List[Dict] = []

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append((sample['pred_score'].detach().cpu().float(),
                                 int(sample['gt_label'].item())))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        probs = torch.stack([r[0] for r in results])
        labels = torch.tensor([r[1] for r in results])
        stats = calibration_stats(probs, labels, self.n_bins)
        self.last_reliability = stats.pop('reliability')
        stats.pop('top1')  # mmpretrain's Accuracy reports it
        return stats
