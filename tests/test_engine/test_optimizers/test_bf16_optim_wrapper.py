"""BF16OptimWrapper: the forward runs in bfloat16 inside optim_context, parameters and their
updates stay float32, and no loss scaler is involved."""
import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS

import sokd_mm  # noqa: F401


def _pair():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    return model, torch.randn(5, 3, 8, 8)


def test_forward_is_bfloat16_and_the_step_stays_float32():
    model, x = _pair()
    wrapper = OPTIM_WRAPPERS.build(dict(type='BF16OptimWrapper',
                                        optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.warns(UserWarning, match='on a CPU'), wrapper.optim_context(model):
        out = model(x)
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert all(not torch.equal(a, p) for a, p in zip(before, model.parameters()))
    assert not hasattr(wrapper, 'loss_scaler')  # nothing to read back from the device
    with OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)).optim_context(model):
        assert model(x).dtype == torch.float32  # the plain wrapper does not autocast


def test_the_bfloat16_step_tracks_the_float32_step():
    """Same model and batch: the bf16 update is the float32 one up to bf16 rounding."""
    results = []
    for kind in ('OptimWrapper', 'BF16OptimWrapper'):
        model, x = _pair()
        wrapper = OPTIM_WRAPPERS.build(dict(type=kind, optimizer=torch.optim.SGD(
            model.parameters(), lr=0.1)))
        with wrapper.optim_context(model):
            loss = model(x).float().pow(2).mean()
        wrapper.update_params(loss)
        results.append(torch.cat([p.detach().flatten() for p in model.parameters()]))
    torch.testing.assert_close(results[1], results[0], rtol=0, atol=2e-2)
