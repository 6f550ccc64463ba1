"""tools/analysis_tools/teacher_quality.py writes the report files with consistent figures."""
import json
import os.path as osp

import torch

from sokd_mm.utils.complexity import build_base_classifier
from tests.conftest import PYTHON, REPO, run_tool


def test_report_files_and_figures(tmp_path):
    torch.manual_seed(0)
    model = build_base_classifier('resnet8')
    model.head.num_classes = 10
    model.head.fc = torch.nn.Linear(64, 10)
    ckpt = tmp_path / 'r8.pth'
    torch.save({'state_dict': model.state_dict()}, ckpt)
    # by default beside the checkpoint, in a folder named after it (one report per checkpoint)
    out = tmp_path / 'r8_quality'
    proc = run_tool([PYTHON, f'{REPO}/tools/analysis_tools/teacher_quality.py',
                     f'{REPO}/configs/vanilla/resnet8_digits.py', str(ckpt)])
    report = json.load(open(out / 'quality.json'))
    assert set(report) >= {'top1', 'nll', 'ece', 'entropy', 'reliability'}
    assert len(report['reliability']) == 15
    assert sum(b['count'] for b in report['reliability']) == 359  # digits test split
    # An untrained 10-class net is near-uniform: entropy close to log(10).
    assert 1.5 < report['entropy'] <= 2.31
    assert osp.getsize(out / 'reliability.png') > 5000
    assert f"{report['top1']:.2f}" in proc.stdout and 'ECE' in open(out / 'quality.md').read()


def test_missing_checkpoint_is_reported(tmp_path):
    proc = run_tool([PYTHON, f'{REPO}/tools/analysis_tools/teacher_quality.py',
                     f'{REPO}/configs/vanilla/resnet8_digits.py', str(tmp_path / 'no.pth')],
                    check=False)
    assert proc.returncode != 0 and 'not found' in proc.stderr
