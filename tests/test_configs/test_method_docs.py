"""Every method folder has a README.md and a metafile.yml generated from its configs and the
committed results JSON: a file edited by hand, a new config, or a JSON changed without them
fails here; the metafiles follow OpenMMLab's schema."""
import glob
import json
import os.path as osp

import pytest
import yaml

from sokd_mm.apis.method_catalogue import METHODS
from tests.conftest import REPO  # noqa: I001  (puts .dev_scripts on the path)
from method_docs import dump_metafile, measured_rows, render  # noqa: E402


@pytest.mark.parametrize('method', sorted(METHODS))
def test_readme_and_metafile_are_generated_from_configs_and_results(method):
    readme, metafile = render(method, REPO)
    assert open(osp.join(REPO, 'configs', method, 'README.md')).read() == readme, \
        'run python .dev_scripts/gen_docs.py'
    assert open(osp.join(REPO, 'configs', method, 'metafile.yml')).read() == \
        dump_metafile(metafile), 'run python .dev_scripts/gen_docs.py'


@pytest.mark.parametrize('method', sorted(METHODS))
def test_metafile_follows_the_openmmlab_schema(method):
    meta = yaml.safe_load(open(osp.join(REPO, 'configs', method, 'metafile.yml')))
    (collection, ) = meta['Collections']
    assert {'Name', 'Metadata', 'Paper', 'README'} <= set(collection)
    assert collection['Paper']['URL'].startswith('https://')
    assert osp.isfile(osp.join(REPO, collection['README']))
    listed = set()
    for model in meta['Models']:
        assert {'Name', 'In Collection', 'Metadata', 'Config'} <= set(model)
        assert model['In Collection'] == collection['Name']
        assert osp.isfile(osp.join(REPO, model['Config']))
        assert model['Metadata']['Training Data'] in collection['Metadata']['Training Data']
        for result in model.get('Results', []):
            assert result['Task'] == 'Image Classification'
            assert 0 < result['Metrics']['Top 1 Accuracy'] <= 100
        listed.add(model['Config'])
    configs = {osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', method, '*.py'))}
    assert listed == configs  # every config of the folder, nothing else


def test_measured_rows_are_the_committed_numbers():
    """A row's number is its study JSON's test-split mean for that config."""
    rows = measured_rows(REPO)
    kd = next(r for r in rows if r['config'] == 'configs/kd/kd_r20_r8_fashion_mnist.py'
              and 'docs/results/sokd_plus_fashion_mnist.json' in r['results'])
    data = json.load(open(osp.join(REPO, 'docs/results/sokd_plus_fashion_mnist.json')))
    assert kd['top1'] == data['methods']['kd']['test_top1']['mean'] and kd['n'] == 3
    kd_readme = open(osp.join(REPO, 'configs/kd/README.md')).read()
    assert f"{kd['top1']:.2f} +- {kd['std']:.2f}" in kd_readme


def test_a_row_names_the_budget_it_was_measured_at_and_appears_once():
    """The Fashion-MNIST configs train 15 epochs on all 60,000 images; the studies ran them at
    10 epochs on 5,000 (students) and 55,000 (teacher) images: the rows say so. The student
    alone and KD ran the same recipe in two studies: one row each, citing both."""
    rows = measured_rows(REPO)
    kd = [r for r in rows if r['config'] == 'configs/kd/kd_r20_r8_fashion_mnist.py'
          and r['teacher'].startswith('ResNet20, ')]
    assert len(kd) == 1 and kd[0]['budget'] == '10 epochs, 5,000 images'
    assert kd[0]['teacher'] == 'ResNet20, 10 epochs, 55,000 images'
    assert kd[0]['results'] == ['docs/results/sokd_plus_fashion_mnist.json',
                                'docs/results/teacher_study_fashion_mnist.json']
    alone = [r for r in rows if r['config'] == 'configs/vanilla/resnet8_fashion_mnist.py'
             and r['budget'] == '10 epochs, 5,000 images']
    assert len(alone) == 1
    epoch5 = next(r for r in rows if r['note'] == 'teacher "epoch5"')
    assert epoch5['budget'] == '5 epochs, 55,000 images'
    # different recipes with one number stay apart
    kinds = {r['note'] for r in rows
             if r['config'] == 'configs/soteacher/soteacher_resnet20_fashion_mnist.py'}
    assert {'teacher "soteacher"', 'teacher "soteacher_lr1e6_cr1"'} <= kinds
