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
