"""A frozen teacher stops after the last module the distiller records, with the same losses and
gradients as the whole teacher; it runs whole where stopping could change anything."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
FITNET = 'configs/fitnet/fitnet_r56_r20_cifar100.py'
KD = 'configs/kd/kd_r56_r20_cifar100.py'
SOKD = 'configs/sokd/sokd_fitnet_r56_r20_cifar100.py'


def build(config: str, **options):
    cfg = Config.fromfile(osp.join(REPO, config))
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True,
                     data_preprocessor=cfg.data_preprocessor, **options)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg)
    model.train()
    return model


def batch(model, seed: int):
    gen = torch.Generator().manual_seed(seed)
    data = dict(inputs=torch.randint(0, 256, (8, 3, 32, 32), dtype=torch.uint8, generator=gen),
                data_samples=[DataSample().set_gt_label(i) for i in range(8)])
    return model.data_preprocessor(data, True)


def count_calls(module) -> list:
    calls = []
    module.register_forward_hook(lambda *args: calls.append(1))
    return calls


def losses_and_grads(model, seed: int):
    model.zero_grad()
    losses = model(**batch(model, seed), mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    grads = {k: p.grad.clone() for k, p in model.named_parameters() if p.grad is not None}
    return {k: v.detach() for k, v in losses.items()}, grads


def test_fitnet_teacher_skips_what_follows_its_hint_with_the_same_losses_and_gradients():
    whole, early = build(FITNET, teacher_early_exit=False), build(FITNET)
    early.load_state_dict(whole.state_dict())
    layer3, head = count_calls(early.teacher.backbone.layer3), count_calls(early.teacher.head)
    whole_layer3 = count_calls(whole.teacher.backbone.layer3)
    for seed in range(3):
        (lw, gw), (le, ge) = losses_and_grads(whole, seed), losses_and_grads(early, seed)
        assert lw.keys() == le.keys() and gw.keys() == ge.keys()
        for k in lw:
            assert torch.equal(lw[k], le[k]), k
        for k in gw:
            assert torch.equal(gw[k], ge[k]), k
    # The first call runs the whole teacher to learn where the recorded modules end.
    assert len(layer3) == len(head) == 1 and len(whole_layer3) == 3
    assert early._teacher_exit.stop == 'backbone.layer2'


@pytest.mark.parametrize('config,stop,layer3_calls', [
    (SOKD, 'backbone.layer2', 1),  # SoKD's hint: the teacher stops there too
    (KD, 'head.fc', 2),  # read at its logits: the whole backbone runs every step
])
def test_the_teacher_stops_after_the_last_module_its_recorders_read(config, stop, layer3_calls):
    model = build(config)
    layer3 = count_calls(model.teacher.backbone.layer3)
    for seed in range(2):
        model(**batch(model, seed), mode='loss')
    assert len(layer3) == layer3_calls and model._teacher_exit.stop == stop


@pytest.mark.parametrize('why', ['norm_in_training', 'method_recorder'])
def test_the_teacher_runs_whole_where_stopping_could_change_anything(why):
    if why == 'norm_in_training':  # running statistics past the exit would stop updating
        model = build(FITNET, teacher_norm_eval=False)
    else:  # a method recorder fires wherever the code calls the method
        method = 'sokd_mm.models.backbones.cifar_resnet.CifarResNet.forward'
        model = build(FITNET, distiller=dict(teacher_recorders=dict(
            pre=dict(type='MethodOutputs', source=method))))
    layer3 = count_calls(model.teacher.backbone.layer3)
    for seed in range(2):
        model(**batch(model, seed), mode='loss')
    assert len(layer3) == 2
    assert model._teacher_exit.stop is None
