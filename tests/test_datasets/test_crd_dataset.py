"""CRD's contrastive sampling (CRDContrastDataset) on balanced, unequal and subset training sets,
and the memory bank sized from the data a run trains on."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope

from sokd_mm.datasets import DatasetError
from tests.conftest import REPO, small_cifar_options, write_cifar100


def _wrapped(kind: str, root: str, **kwargs):
    from mmrazor.registry import DATASETS
    inner = dict(type='mmpretrain.OfflineCIFAR100', data_root=root, split='train',
                 pipeline=[], check_md5=False, indices=kwargs.pop('indices', None))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return DATASETS.build(dict(type=f'mmrazor.{kind}', dataset=inner, **kwargs))


def _draws(dataset, seed: int):
    np.random.seed(seed)
    return [dataset.get_data_info(i)['contrast_sample_idxs'] for i in range(len(dataset))]


@pytest.mark.parametrize('mode,percent', [('exact', 1.0), ('random', 0.5)])
def test_balanced_set_draws_exactly_what_mmrazors_crd_dataset_draws(cifar100_root, mode,
                                                                    percent):
    settings = dict(neg_num=50, sample_mode=mode, percent=percent)
    np.random.seed(3)  # percent < 1 permutes the negatives at construction
    ours = _wrapped('CRDContrastDataset', cifar100_root, **settings)
    np.random.seed(3)
    theirs = _wrapped('CRDDataset', cifar100_root, **settings)
    for a, b in zip(_draws(ours, 0), _draws(theirs, 0)):
        assert np.array_equal(a, b)


@pytest.fixture(scope='module')
def unequal_root(tmp_path_factory):
    # 230 images, labels i % 100: classes 0-29 hold 3 images, the others 2.
    return write_cifar100(str(tmp_path_factory.mktemp('unequal')), n_train=230, n_test=20)


def test_mmrazors_wrapper_fails_on_unequal_classes_and_ours_does_not(unequal_root):
    with pytest.raises(ValueError, match='inhomogeneous'):
        _wrapped('CRDDataset', unequal_root, neg_num=16, sample_mode='exact', percent=1.0)
    assert len(_wrapped('CRDContrastDataset', unequal_root, neg_num=16, sample_mode='exact',
                        percent=1.0)) == 230


@pytest.mark.parametrize('mode', ['exact', 'random'])
@pytest.mark.parametrize('indices', [None, 120], ids=['whole', 'subset'])
def test_positives_share_the_anchors_class_and_negatives_do_not(unequal_root, mode, indices):
    dataset = _wrapped('CRDContrastDataset', unequal_root, neg_num=300, sample_mode=mode,
                       percent=1.0, indices=indices)
    labels = np.asarray(dataset.dataset.get_gt_labels())
    assert len(labels) == (indices or 230)
    for idx, draw in enumerate(_draws(dataset, 1)):
        assert len(draw) == 301 and draw.max() < len(labels)  # positions in the trained set
        if mode == 'exact':
            assert draw[0] == idx
        assert labels[draw[0]] == labels[idx]
        assert (labels[draw[1:]] != labels[idx]).all()
        # 300 > the negatives available: drawn with replacement, as the reference does, from
        # every other class
        others = set(np.flatnonzero(labels != labels[idx]))
        assert set(draw[1:]) <= others and len(set(draw[1:])) > len(others) / 2


def test_a_set_with_one_class_is_refused(unequal_root):
    with pytest.raises(DatasetError, match='at least two classes'):
        _wrapped('CRDContrastDataset', unequal_root, neg_num=4, sample_mode='exact',
                 percent=1.0, indices=[0, 100, 200])


def _crd_options(root: str, teacher: str, extra=()) -> list:
    opts = [o.replace('train_dataloader.dataset.', 'train_dataloader.dataset.dataset.')
            for o in small_cifar_options(root, batch=32)
            if not o.startswith(('train_dataloader.dataset.check', 'train_dataloader.batch',
                                 'train_dataloader.num_workers', 'train_dataloader.persistent'))]
    return opts + [f'model.teacher_ckpt={teacher}', 'train_dataloader.batch_size=32',
                   'train_dataloader.dataset.dataset.check_md5=False',
                   'train_dataloader.dataset.neg_num=64',
                   'model.distiller.distill_losses.loss_crd.neg_num=64', *extra]


@pytest.mark.parametrize('indices', [None, 100], ids=['unequal', 'subset'])
def test_crd_trains_on_unequal_classes_and_a_subset_with_a_fitted_memory_bank(
        train_tool, tmp_path, unequal_root, resnet56_ckpt, indices):
    extra = [f'train_dataloader.dataset.indices={indices}'] if indices else []
    proc = train_tool(f'{REPO}/configs/crd/crd_r56_r20_cifar100.py',
                      *_crd_options(unequal_root, resnet56_ckpt, extra),
                      extra=['--work-dir', str(tmp_path / 'w')])
    log = proc.stdout + proc.stderr
    assert f'memory bank sized to the {indices or 230} training images' in log
    assert 'distill.loss_crd' in log and 'Saving checkpoint at 1 epochs' in log


def test_a_memory_bank_smaller_than_the_data_is_refused():
    import torch
    from mmpretrain.structures import DataSample

    from sokd_mm.errors import ConfigError
    from sokd_mm.models.losses import PackedCRDLoss
    loss = PackedCRDLoss(neg_num=4, sample_n=10, dim_out=8)
    samples = [DataSample(metainfo=dict(sample_idx=i, contrast_sample_idxs=np.array(
        [i, 12, 1, 2, 3]))) for i in range(2)]
    with pytest.raises(ConfigError, match='memory bank has 10 rows'):
        loss(torch.randn(2, 8), torch.randn(2, 8), samples)
