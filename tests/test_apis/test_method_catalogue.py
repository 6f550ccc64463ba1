"""The method catalogue is the one table of methods: every shipped method folder has an entry,
every entry a paper, a BibTeX record and a measured cost kind, and the ETA, the tables and the
reference column read it."""
import glob
import os.path as osp

import pytest

from sokd_mm.apis.matrix import _method_key
from sokd_mm.apis.method_catalogue import (BIBTEX, CATALOGUE, METHODS, cost_kind,
                                           reference_top1, table_rank)
from sokd_mm.apis.time_estimate import RELATIVE
from tests.conftest import REPO

METHOD_FOLDERS = sorted(
    osp.basename(osp.dirname(p)) for p in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if osp.basename(osp.dirname(p)) not in ('_base_', 'matrix'))


def test_every_method_folder_is_a_catalogue_entry_and_back():
    assert set(METHOD_FOLDERS) == set(METHODS)


@pytest.mark.parametrize('method', [m.key for m in CATALOGUE])
def test_each_entry_cites_its_paper_and_has_a_measured_cost(method):
    entry = METHODS[method]
    assert entry.bibtex in BIBTEX and entry.paper[1].startswith('https://')
    assert entry.cost in RELATIVE
    assert all(kind in RELATIVE for _, kind in entry.variant_costs)
    if entry.guide:
        assert osp.isfile(osp.join(REPO, entry.guide))


@pytest.mark.parametrize('method', sorted(set(METHOD_FOLDERS) - {'vanilla', 'soteacher'}))
def test_every_distillation_config_is_costed_as_its_method_not_as_a_plain_network(method):
    for path in glob.glob(osp.join(REPO, 'configs', method, '*.py')):
        kind = cost_kind(path, 'student')
        assert kind != 'plain', path
        assert kind == METHODS[method].cost or kind in dict(METHODS[method].variant_costs).values()


def test_cost_kinds_of_teachers_variants_and_plain_networks():
    assert cost_kind('configs/soteacher/soteacher_resnet20_digits.py', 'teacher') == 'soteacher'
    assert cost_kind('configs/vanilla/resnet20_digits.py', 'teacher') == 'teacher'
    assert cost_kind('configs/sokd/sokd_plus_kd_r20_r8_digits.py', 'student') == 'sokd_plus'
    assert cost_kind('configs/sokd/sokd_kd_r20_r8_digits.py', 'student') == 'sokd'
    assert cost_kind('configs/dkd/dkd_r20_r8_fashion_mnist.py', 'student') == 'kd'
    assert cost_kind('configs/vanilla/resnet8_digits.py', 'student') == 'plain'


def test_tables_follow_the_catalogue_with_each_sokd_variant_after_its_base():
    methods = ['sokd_fitnet', 'crd', 'student', 'fitnet_w10_60e', 'kd', 'mine', 'sokd_kd', 'dkd']
    assert sorted(methods, key=_method_key) == [
        'student', 'kd', 'sokd_kd', 'fitnet_w10_60e', 'sokd_fitnet', 'crd', 'dkd', 'mine']
    assert table_rank('student') == table_rank('vanilla') == 0


def test_the_paper_column_is_that_method_and_pair():
    assert reference_top1('kd', 'configs/kd/kd_r56_r20_cifar100.py') == 70.66
    assert reference_top1('dkd', 'configs/dkd/dkd_r56_r20_cifar100.py') == 71.97
    assert reference_top1('vanilla', 'configs/vanilla/resnet56_cifar100.py') == 72.34
    # the CRD table has no SoTeacher teacher: no plain-network number in its place
    assert reference_top1('soteacher', 'configs/soteacher/soteacher_resnet56_cifar100.py') is None
    assert reference_top1('kd', 'configs/kd/kd_r20_r8_fashion_mnist.py') is None
