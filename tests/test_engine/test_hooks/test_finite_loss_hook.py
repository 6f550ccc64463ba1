"""FiniteLossHook judges loss terms only, and names the bad ones (the end-to-end stop through
tools/train.py is in tests/test_tools/test_checkpoint_safety.py)."""
from types import SimpleNamespace

import pytest
import torch

from sokd_mm.engine.hooks import FiniteLossHook, NonFiniteLossError


def _runner(tmp_path):
    return SimpleNamespace(iter=41, epoch=3, work_dir=str(tmp_path))


def test_overflowing_diagnostic_is_not_a_loss(tmp_path):
    outputs = {'loss': torch.tensor(1.0), 'loss_ce': torch.tensor(0.5),
               'lipschitz_bound': torch.tensor(float('inf')), 'lambda_cr': torch.tensor(0.1)}
    FiniteLossHook().after_train_iter(_runner(tmp_path), 5, outputs=outputs)


def test_bad_terms_are_named_with_iteration_and_checkpoint(tmp_path):
    torch.save({'state_dict': {}}, tmp_path / 'epoch_3.pth')  # a complete checkpoint
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    outputs = {'loss': torch.tensor(float('nan')), 'loss_ce': torch.tensor(0.5),
               'distill.loss_kd': torch.tensor(float('nan')),
               'soteacher.loss_lip': torch.tensor(float('-inf'))}
    with pytest.raises(NonFiniteLossError) as error:
        FiniteLossHook().after_train_iter(_runner(tmp_path), 5, outputs=outputs)
    message = str(error.value)
    assert 'iteration 42 (epoch 4, batch 6)' in message
    assert 'distill.loss_kd=nan' in message and 'soteacher.loss_lip=-inf' in message
    assert 'loss_ce' not in message and 'loss=nan' not in message
    assert f'Last good checkpoint: {tmp_path / "epoch_3.pth"}' in message
