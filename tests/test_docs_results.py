"""Every results table in docs/ is generated from its committed JSON (tools/collect_results.py
--by-method): a table edited by hand, or a JSON changed without its table, fails here."""
import json
import os.path as osp

import pytest

from sokd_mm.apis.method_table import methods_markdown
from tests.conftest import REPO

TABLES = [('docs/results/sokd_ablation_fashion_mnist.json', 'docs/en/sokd_ablation.md'),
          ('docs/results/sokd_ablation_seeds_fashion_mnist.json', 'docs/en/sokd_ablation.md'),
          ('docs/results/sokd_plus_fashion_mnist.json', 'docs/en/sokd_ablation.md'),
          ('docs/results/sokd_plus_digits.json', 'docs/en/sokd_ablation.md')]


@pytest.mark.parametrize('results,doc', TABLES, ids=[t[0] for t in TABLES])
def test_doc_table_is_generated_from_its_json(results, doc):
    data = json.load(open(osp.join(REPO, results)))
    assert {'command', 'commit', 'date', 'machine'} <= set(data['meta'])
    assert methods_markdown(data, data['order']) in open(osp.join(REPO, doc)).read()


def test_benchmark_table_is_generated_from_the_benchmark_json():
    import subprocess
    import sys
    table = subprocess.run([sys.executable, osp.join(REPO, 'benchmarks', 'report.py')],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert table.count('\n') >= 5
    assert table in open(osp.join(REPO, 'docs', 'en', 'benchmarks.md')).read()


COLLECTED = [('docs/results/teacher_study_fashion_mnist.json', 'docs/en/teacher_study.md')]


@pytest.mark.parametrize('results,doc', COLLECTED, ids=[c[0] for c in COLLECTED])
def test_matrix_table_is_generated_from_its_json(results, doc):
    """Tables of tools/collect_results.py (teacher kinds x methods) and their JSON."""
    from sokd_mm.apis.matrix import collected_markdown
    data = json.load(open(osp.join(REPO, results)))
    assert {'command', 'commit', 'date', 'machine', 'seeds'} <= set(data['meta'])
    assert collected_markdown(data) in open(osp.join(REPO, doc)).read()
