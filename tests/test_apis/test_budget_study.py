"""A budget study's per-budget tables and its figure of SoKD's gaps to the base methods."""
import json
import os.path as osp
import subprocess

import pytest

from sokd_mm.apis.budget_study import base_of, budget_gaps, plot_budget_gaps, split_by_budget
from sokd_mm.errors import SpecError
from tests.conftest import PYTHON, REPO


def _row(*test_top1):
    n = len(test_top1)
    mean = sum(test_top1) / n
    std = (sum((v - mean) ** 2 for v in test_top1) / (n - 1)) ** 0.5 if n > 1 else 0.0
    stat = dict(mean=mean, std=std, n=n, values=list(test_top1))
    return dict(seeds=list(range(n)), top1=stat, test_top1=stat, first_epoch={},
                last_epoch={})


def _collected():
    methods = {'fitnet_10e': _row(80.0), 'sokd_fitnet_10e': _row(79.0), 'kd_10e': _row(82.0),
               'sokd_plus_kd_10e': _row(82.5), 'fitnet_60e': _row(84.0, 86.0),
               'sokd_fitnet_live_60e': _row(85.5, 86.5), 'kd_60e': _row(85.0)}
    return dict(work_dir='w', methods=methods, teachers={}, order=list(methods),
                meta=dict(commit='abc', seeds=[0]))


def test_the_whole_spec_splits_into_one_table_per_budget_under_plain_names():
    parts = split_by_budget(_collected())
    assert list(parts) == [10, 60]
    assert parts[10]['order'] == ['fitnet', 'sokd_fitnet', 'kd', 'sokd_plus_kd']
    assert parts[60]['order'] == ['fitnet', 'sokd_fitnet_live', 'kd']
    assert parts[60]['methods']['fitnet']['test_top1']['values'] == [84.0, 86.0]
    assert parts[10]['meta'] == dict(commit='abc', seeds=[0], epochs=10)


def test_a_method_without_a_budget_suffix_is_refused():
    collected = _collected()
    collected['methods']['kd'] = collected['methods'].pop('kd_10e')
    collected['order'] = list(collected['methods'])
    with pytest.raises(SpecError, match="'kd' has no budget suffix"):
        split_by_budget(collected)


@pytest.mark.parametrize('variant, base', [('sokd_fitnet_live', 'fitnet'),
                                           ('sokd_plus_kd', 'kd'), ('sokd_kd', 'kd'),
                                           ('fitnet', None), ('sokd_dkd', None)])
def test_each_sokd_variant_is_compared_with_the_baseline_it_refines(variant, base):
    assert base_of(variant, ['fitnet', 'kd']) == base


def test_the_gaps_are_the_variant_minus_its_base_at_each_budget():
    gaps = budget_gaps(split_by_budget(_collected()))
    assert set(gaps) == {'sokd_fitnet', 'sokd_plus_kd', 'sokd_fitnet_live'}
    assert gaps['sokd_fitnet'] == dict(base='fitnet', epochs=[10], gap=[-1.0], std=[0.0])
    live = gaps['sokd_fitnet_live']
    assert live['epochs'] == [60] and live['gap'] == [pytest.approx(1.0)]
    # seed stds sqrt(2) (84, 86) and sqrt(0.5) (85.5, 86.5), combined as independent runs
    assert live['std'] == [pytest.approx(2.5 ** 0.5)]


def test_the_figure_draws_one_line_per_variant(tmp_path):
    gaps = budget_gaps(split_by_budget(_collected()))
    ax = plot_budget_gaps(gaps, str(tmp_path / 'figures' / 'gaps.png'))  # folder made
    assert osp.getsize(tmp_path / 'figures' / 'gaps.png') > 1000
    labels = ax.get_legend_handles_labels()[1]
    assert sorted(labels) == ['sokd_fitnet - fitnet', 'sokd_fitnet_live - fitnet',
                              'sokd_plus_kd - kd']


def test_the_tool_writes_each_budget_and_redraws_from_them(tmp_path):
    whole = tmp_path / 'results_methods.json'
    whole.write_text(json.dumps(_collected()))
    tool = [PYTHON, osp.join(REPO, 'tools', 'analysis_tools', 'budget_curve.py')]
    pattern = str(tmp_path / 'budget_{epochs}e.json')
    done = subprocess.run([*tool, str(whole), '--json-out', pattern], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert 'sokd_fitnet - fitnet: 10 ep. -1.00' in done.stdout
    files = [str(tmp_path / f'budget_{e}e.json') for e in (10, 60)]
    assert json.load(open(files[1]))['meta']['epochs'] == 60
    again = subprocess.run([*tool, *files, '--png', str(tmp_path / 'f.png')],
                           capture_output=True, text=True)
    assert again.returncode == 0 and osp.isfile(tmp_path / 'f.png')
    assert again.stdout.splitlines()[:3] == done.stdout.splitlines()[2:5]
    bad = subprocess.run([*tool, str(whole), '--json-out', 'x.json'], capture_output=True,
                         text=True)
    assert bad.returncode == 1 and bad.stderr.startswith('Error: --json-out x.json has no')


def test_the_gap_table_has_a_column_per_budget_and_the_spread_where_seeds_are_several():
    from sokd_mm.apis.budget_study import gaps_markdown
    table = gaps_markdown(budget_gaps(split_by_budget(_collected()))).splitlines()
    assert table[0] == '| variant - base | 10 epochs | 60 epochs |'
    assert '| sokd_fitnet - fitnet | -1.00 | - |' in table
    assert '| sokd_fitnet_live - fitnet | - | +1.00 +- 1.58 |' in table
