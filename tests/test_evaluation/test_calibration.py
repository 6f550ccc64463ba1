"""Calibration metrics against hand-computed values."""
import math

import pytest
import torch

from sokd_mm.evaluation import calibration_stats


def test_values_on_a_hand_checked_example():
    probs = torch.tensor([[0.85, 0.15], [0.55, 0.45], [0.35, 0.65], [0.25, 0.75]],
                         dtype=torch.float64)
    labels = torch.tensor([0, 1, 1, 1])
    stats = calibration_stats(probs, labels, n_bins=10)
    assert stats['top1'] == pytest.approx(75.0)
    assert stats['nll'] == pytest.approx(-(math.log(.85) + math.log(.45) + math.log(.65)
                                           + math.log(.75)) / 4)
    ent = -sum(p * math.log(p) for row in probs.tolist() for p in row) / 4
    assert stats['entropy'] == pytest.approx(ent)
    # one sample per bin: 0.85 right, 0.55 wrong, 0.65 right, 0.75 right
    assert stats['ece'] == pytest.approx(100 * (0.15 + 0.55 + 0.35 + 0.25) / 4)
    counts = [b['count'] for b in stats['reliability']]
    assert sum(counts) == 4 and counts[8] == 1 and counts[5] == 1


def test_perfectly_confident_and_right_is_perfectly_calibrated():
    probs = torch.eye(3)
    stats = calibration_stats(probs, torch.arange(3))
    assert stats['ece'] == pytest.approx(0.0) and stats['nll'] == pytest.approx(0.0, abs=1e-9)
