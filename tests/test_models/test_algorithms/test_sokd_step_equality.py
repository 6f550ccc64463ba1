"""The optimised SoKD step trains exactly what the plain formulation trains.

The plain formulation is written out here as the DAMs computed it before the step was made
cheaper: NMS by ``F.max_pool2d``, the two halves of the agreement loss as slices, the
diagnostics (``torch.std``) in every evaluation, the live DAM's size scale as a tensor. Both run
the shipped ResNet56 -> ResNet20 SoKD-FitNet (the authors' DAM, and our live DAM) from the
same weights and policy draws, through two reference-search steps and two steps after the
search; losses, every parameter and buffer, and the policy must agree bit for bit. Only the
logged ``hm_std`` diagnostic may differ, by float rounding (its two-pass formula).
"""
import os.path as osp
from unittest import mock

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

from sokd_mm.models.distillers.sokd import dam as dam_module
from sokd_mm.models.distillers.sokd.dam import (DistinctiveAreaModule, check_same_shape,
                                                select_areas)
from sokd_mm.models.distillers.sokd.live_dam import (LiveDistinctiveAreaModule,
                                                     mass_normalised_mse, teacher_attention)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
CONFIGS = {'reference_dam': 'configs/sokd/sokd_fitnet_r56_r20_cifar100.py',
           'live_dam': 'configs/sokd/ablation/sokd_fitnet_live_r56_r20_cifar100.py'}


def _plain_diagnostics(heatmap, index):
    k = index.shape[1]
    return dict(dead=((heatmap - 0.5).abs() < 1e-6).float().mean(),
                hm_std=heatmap.flatten(2).std(dim=2).mean(),
                first_k=(index < k).float().mean())


def _plain_reference_losses(self, student, teacher, with_diagnostics=True):
    check_same_shape(student, teacher)
    both = self(torch.cat([student, teacher], 0))
    out_s = {k: v[:len(student)] for k, v in both.items()}
    cat = torch.cat([both['heatmap'], both['wh'], both['offset']], 1)
    agreement = F.mse_loss(cat[:len(student)], cat[len(student):])
    with torch.no_grad():
        mask, index = select_areas(out_s['heatmap'], out_s['wh'], out_s['offset'],
                                   self.topk, self.box_rule)
        diagnostics = _plain_diagnostics(out_s['heatmap'], index)
    area = F.mse_loss(student * mask, teacher * mask)
    return dict(losses=dict(area=area, agreement=agreement), mask=mask,
                diagnostics=diagnostics)


def _plain_live_forward(self, feature):
    h, w = feature.shape[-2:]
    logits = self.heatmap_head(feature)
    size_fraction = torch.sigmoid(self.size_head(feature))
    scale = feature.new_tensor([w, h]).view(1, 2, 1, 1)
    return dict(heatmap_logits=logits, heatmap=torch.sigmoid(logits),
                size_fraction=size_fraction, wh=size_fraction * scale,
                offset=torch.sigmoid(self.offset_head(feature)))


def _plain_live_losses(self, student, teacher, with_diagnostics=True):
    check_same_shape(student, teacher)
    n = len(student)
    both = self(torch.cat([student, teacher], 0))
    bounded = torch.cat([both['heatmap'], both['size_fraction'], both['offset']], 1)
    agreement = F.mse_loss(bounded[:n], bounded[n:])
    heatmap = F.binary_cross_entropy_with_logits(both['heatmap_logits'][n:],
                                                 teacher_attention(teacher))
    with torch.no_grad():
        mask, index = select_areas(both['heatmap'][:n], both['wh'][:n], both['offset'][:n],
                                   self.topk)
        diagnostics = _plain_diagnostics(both['heatmap'][:n], index)
    area = mass_normalised_mse(student, teacher, mask, self.area_mix)
    return dict(losses=dict(area=area, agreement=agreement, heatmap=heatmap), mask=mask,
                diagnostics=diagnostics)


def _plain_formulation():
    """Patches that put the plain formulation in place of the optimised one."""
    return [mock.patch.object(dam_module, 'local_max_3x3',
                              lambda x: F.max_pool2d(x, 3, stride=1, padding=1)),
            mock.patch.object(DistinctiveAreaModule, 'losses', _plain_reference_losses),
            mock.patch.object(LiveDistinctiveAreaModule, 'losses', _plain_live_losses),
            mock.patch.object(LiveDistinctiveAreaModule, 'forward', _plain_live_forward)]


def _train(config: str, plain: bool, steps_searching=(True, True, False, False)):
    """Log vars of each step and the final state of model and policy."""
    cfg = Config.fromfile(osp.join(REPO, config))
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True,
                     data_preprocessor=cfg.data_preprocessor)
    patches = _plain_formulation() if plain else []
    for p in patches:
        p.start()
    try:
        torch.manual_seed(0)
        with DefaultScope.overwrite_default_scope('mmrazor'):
            model = MODELS.build(model_cfg)
            wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
        model.train()
        gen = torch.Generator().manual_seed(1)
        data = dict(inputs=[torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8, generator=gen)
                            for _ in range(8)],
                    data_samples=[DataSample(metainfo=dict(sample_idx=i)).set_gt_label(i % 100)
                                  for i in range(8)])
        hub = MessageHub.get_current_instance()
        hub.update_info('max_epochs', 240)
        logs = []
        for searching in steps_searching:
            hub.update_info('epoch', 0 if searching else 100)
            logs.append({k: v.detach().clone() for k, v in
                         model.train_step(data, wrapper).items()})
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        return logs, state
    finally:
        for p in patches:
            p.stop()


@pytest.mark.parametrize('dam', sorted(CONFIGS))
def test_optimised_sokd_steps_equal_the_plain_formulation(dam):
    fast_logs, fast_state = _train(CONFIGS[dam], plain=False)
    plain_logs, plain_state = _train(CONFIGS[dam], plain=True)
    assert any('search_objective' in log for log in fast_logs)  # the search really ran
    for fast, plain in zip(fast_logs, plain_logs):
        assert fast.keys() == plain.keys()
        for key in fast:
            if 'hm_std' in key:  # two-pass standard deviation: float rounding only
                assert torch.allclose(fast[key], plain[key], rtol=1e-5, atol=1e-7), key
            else:
                assert torch.equal(fast[key], plain[key]), (key, fast[key], plain[key])
    assert fast_state.keys() == plain_state.keys()
    for key in fast_state:
        assert torch.equal(fast_state[key], plain_state[key]), key
