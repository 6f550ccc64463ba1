"""SoTeacher end to end on generated CIFAR-format data: resume gives the uninterrupted run's
ensemble and schedule; 2 CPU processes hold the same ensemble; data mismatches are explained."""
import json
import glob
import os
import os.path as osp
import shutil

import torch

from tests.conftest import REPO, dist_train_rank_weights, small_cifar_options


def _soteacher_config(tmp_path, extra: str = '') -> str:
    # resnet8 for speed; no random augmentation so that two runs are comparable bit for bit.
    cfg = tmp_path / 'soteacher_small.py'
    cfg.write_text(
        f"_base_ = ['{REPO}/configs/soteacher/soteacher_resnet56_cifar100.py']\n"
        "model = dict(backbone=dict(depth=8), soteacher_loss=dict(num_samples=200))\n"
        "train_dataloader = dict(dataset=dict(pipeline=[dict(type='mmpretrain.PackInputs')]))\n"
        "randomness = dict(seed=0, deterministic=True)\n" + extra)
    return str(cfg)


def _last_logged(work_dir: str, key: str) -> float:
    records = [json.loads(line)
               for p in glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
               for line in open(p)]
    return [r[key] for r in records if key in r][-1]


def test_resume_restores_the_ensemble_and_schedule(train_tool, tmp_path, cifar100_root):
    cfg = _soteacher_config(tmp_path)
    opts = [o for o in small_cifar_options(cifar100_root)
            if not o.startswith('train_cfg.max_epochs')]
    full, part = str(tmp_path / 'full'), str(tmp_path / 'part')
    train_tool(cfg, *opts, 'train_cfg.max_epochs=3', extra=['--work-dir', full])
    # What a run of the same schedule interrupted during epoch 3 leaves behind: its epoch-2
    # checkpoint. Resume from it and finish.
    os.makedirs(part)
    shutil.copy(osp.join(full, 'epoch_2.pth'), osp.join(part, 'epoch_2.pth'))
    with open(osp.join(part, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(part, 'epoch_2.pth'))
    train_tool(cfg, *opts, 'train_cfg.max_epochs=3', extra=['--work-dir', part, '--resume'])
    a2 = torch.load(osp.join(full, 'epoch_2.pth'), weights_only=False)['state_dict']
    a = torch.load(osp.join(full, 'epoch_3.pth'), weights_only=False)['state_dict']
    b = torch.load(osp.join(part, 'epoch_3.pth'), weights_only=False)['state_dict']
    ens = 'soteacher_loss.ensemble'
    assert a[ens].shape == (200, 100) and a[ens].abs().sum() > 0
    assert int(a['soteacher_loss.ensemble_epoch']) == 3
    assert not torch.equal(a2[ens], a[ens])  # epoch 3 changed it
    assert torch.equal(a[ens], b[ens])
    assert all(torch.equal(a[k], b[k]) for k in a)  # the whole model, too
    assert int(b['soteacher_loss.ensemble_epoch']) == 3
    assert _last_logged(full, 'lambda_cr') == _last_logged(part, 'lambda_cr') == 1.0
    # Each row of the ensemble is the mean of 3 probability vectors: sums to 1.
    assert torch.allclose(a[ens].sum(1), torch.ones(200), atol=1e-5)


def test_two_processes_hold_the_same_ensemble(tmp_path, cifar100_root):
    r0, r1 = (state['soteacher_loss.ensemble'] for state in dist_train_rank_weights(
        tmp_path, _soteacher_config(tmp_path), small_cifar_options(cifar100_root, batch=8),
        extra_hooks="dict(type='SoTeacherHook'), "))
    assert torch.equal(r0, r1)
    # Each rank saw half of the 200 samples; both hold predictions for all of them.
    assert (r0.abs().sum(1) > 0).all()


def test_dataset_size_mismatch_is_explained(train_tool, tmp_path, cifar100_root):
    cfg = _soteacher_config(tmp_path)
    proc = train_tool(cfg, *small_cifar_options(cifar100_root),
                      'model.soteacher_loss.num_samples=50000',
                      extra=['--work-dir', str(tmp_path / 'w')], check=False)
    assert proc.returncode != 0
    assert 'model.soteacher_loss.num_samples=200' in proc.stderr


def _fashion_options(root: str, indices: int = None) -> list:
    opts = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
            'default_hooks.logger.interval=4', 'model.backbone.depth=8']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts.append(f'{loader}.dataset.data_root={root}')
    if indices is not None:
        opts.append(f'train_dataloader.dataset.indices={indices}')
    return opts


def test_ensemble_is_sized_from_the_training_set(train_tool, tmp_path):
    from tests.conftest import write_fashion_mnist
    root = write_fashion_mnist(str(tmp_path / 'fm'), n_train=512, n_test=64)
    cfg = f'{REPO}/configs/soteacher/soteacher_resnet20_fashion_mnist.py'
    work = str(tmp_path / 'w')
    train_tool(cfg, *_fashion_options(root), extra=['--work-dir', work])
    state = torch.load(osp.join(work, 'epoch_1.pth'), weights_only=False)['state_dict']
    assert state['soteacher_loss.ensemble'].shape == (512, 10)
    assert (state['soteacher_loss.ensemble'].sum(1) > 0.99).all()  # every sample folded in
    # Resuming that ensemble on a training set of another size is refused with the reason.
    proc = train_tool(cfg, *_fashion_options(root, indices=256), 'train_cfg.max_epochs=2',
                      extra=['--work-dir', work, '--resume', '--allow-change',
                             'train_dataloader.dataset.indices', 'train_cfg.max_epochs'],
                      check=False)
    assert proc.returncode != 0
    assert 'ensemble of 512 samples but the training set has 256' in proc.stderr
    assert 'Traceback' not in proc.stderr
