"""Each baseline, built from its config as tools/train.py builds it, against an independent
computation with the reference's hyperparameters (mdistiller's formulas and per-pair configs,
the ReviewKD authors' CIFAR-100 script): the weighted loss and its warm-up factor at epochs 1,
10 and 30, CRD's weight, and the recorded feature layers."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

from tests.conftest import REPO


def _build(path: str):
    cfg = Config.fromfile(f'{REPO}/configs/{path}')
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg)
    model.train()
    return model


def _batch(n: int = 8, classes: int = 100):
    torch.manual_seed(1)
    x = torch.randn(n, 3, 32, 32)
    labels = torch.randint(0, classes, (n, ))
    samples = [DataSample(metainfo=dict(sample_idx=i)).set_gt_label(int(labels[i]))
               for i in range(n)]
    return x, labels, samples


def _at_epoch(epoch: int) -> None:  # the runner's MessageHub counts epochs from 0
    MessageHub.get_current_instance().update_info('epoch', epoch - 1)


def _logits(model, x):
    with torch.no_grad():
        return model.student(x, mode='tensor'), model.teacher(x, mode='tensor')


def reference_dkd(ls, lt, target, alpha, beta, temperature):
    """mdistiller's dkd_loss, written out."""
    gt = F.one_hot(target, ls.shape[1]).float()
    ps, pt = F.softmax(ls / temperature, 1), F.softmax(lt / temperature, 1)
    bin_s = torch.stack([(ps * gt).sum(1), (ps * (1 - gt)).sum(1)], 1)
    bin_t = torch.stack([(pt * gt).sum(1), (pt * (1 - gt)).sum(1)], 1)
    tckd = F.kl_div(torch.log(bin_s), bin_t, reduction='sum') * temperature ** 2 / len(target)
    nckd = F.kl_div(F.log_softmax(ls / temperature - 1000.0 * gt, 1),
                    F.softmax(lt / temperature - 1000.0 * gt, 1),
                    reduction='sum') * temperature ** 2 / len(target)
    return alpha * tckd + beta * nckd


@pytest.mark.parametrize('epoch,factor', [(1, 1 / 20), (10, 0.5), (30, 1.0)])
def test_dkd_r56_r20_is_beta_2_with_a_20_epoch_warmup(epoch, factor):
    model = _build('dkd/dkd_r56_r20_cifar100.py')
    x, y, samples = _batch()
    ls, lt = _logits(model, x)
    _at_epoch(epoch)
    got = model.loss(x, samples)['distill.loss_dkd']
    expected = factor * reference_dkd(ls, lt, y, alpha=1.0, beta=2.0, temperature=4.0)
    assert torch.allclose(got, expected, rtol=1e-4), (got, expected)


def test_kd_r56_r20_weights_and_temperature():
    model = _build('kd/kd_r56_r20_cifar100.py')
    x, y, samples = _batch()
    ls, lt = _logits(model, x)
    losses = model.loss(x, samples)
    kd = F.kl_div(F.log_softmax(ls / 4, 1), F.softmax(lt / 4, 1), reduction='batchmean') * 16
    assert torch.allclose(losses['distill.loss_kd'], 0.9 * kd, rtol=1e-4)
    assert torch.allclose(losses['student.loss'], 0.1 * F.cross_entropy(ls, y), rtol=1e-4)


def test_crd_weight_is_applied():
    from mmrazor.models.losses import CRDLoss
    from sokd_mm.models.losses import PackedCRDLoss
    kwargs = dict(temperature=0.07, neg_num=16, sample_n=32, dim_out=8, momentum=0.5)
    torch.manual_seed(0)
    ours = PackedCRDLoss(loss_weight=0.8, **kwargs)
    plain = CRDLoss(loss_weight=0.8, **kwargs)
    plain.load_state_dict(ours.state_dict())
    s, t = torch.randn(4, 8), torch.randn(4, 8)

    def samples():
        return [DataSample(metainfo=dict(sample_idx=torch.tensor(i),
                                         contrast_sample_idxs=torch.arange(17) + i))
                for i in range(4)]

    assert torch.allclose(ours(s, t, samples()), 0.8 * plain(s, t, samples()), rtol=1e-5)
    cfg = Config.fromfile(f'{REPO}/configs/crd/crd_r56_r20_cifar100.py')
    assert cfg.model.distiller.distill_losses.loss_crd.loss_weight == 0.8


def reference_hcl(fs, ft):
    """The ReviewKD authors' hcl loss, written out."""
    n, c, h, w = fs.shape
    loss, cnt, tot = F.mse_loss(fs, ft, reduction='mean'), 1.0, 1.0
    for level in [4, 2, 1]:
        if level >= h:
            continue
        cnt /= 2.0
        loss = loss + F.mse_loss(F.adaptive_avg_pool2d(fs, (level, level)),
                                 F.adaptive_avg_pool2d(ft, (level, level))) * cnt
        tot += cnt
    return loss / tot


def _preact_features(net, x):
    """Each stage's last block output before its final ReLU, by hooks on the backbone's own
    blocks (independent of the config's recorders), and the pooled embedding."""
    pre = []
    hooks = [getattr(net.backbone, f'layer{i}')[-1].relu_out.register_forward_hook(
        lambda m, inp, out: pre.append(inp[0].detach().clone())) for i in (1, 2, 3)]
    with torch.no_grad():
        pooled = net.neck(net.backbone(x))[-1]
    for h in hooks:
        h.remove()
    return pre + [pooled.view(len(x), -1, 1, 1)]


def _postact_features(net, x):
    """Each stage's output (after its final ReLU), by hooks on the backbone's own stages, and
    the pooled embedding."""
    post = []
    hooks = [getattr(net.backbone, f'layer{i}').register_forward_hook(
        lambda m, inp, out: post.append(out.detach().clone())) for i in (1, 2, 3)]
    with torch.no_grad():
        pooled = net.neck(net.backbone(x))[-1]
    for h in hooks:
        h.remove()
    return post + [pooled.view(len(x), -1, 1, 1)]


@pytest.mark.parametrize('epoch,factor', [(1, 1 / 20), (10, 0.5), (30, 1.0)])
def test_reviewkd_r56_r20_weight_warmup_teacher_preact_student_postact(epoch, factor):
    """CIFAR ReviewKD as both references run it: the teacher's stages before their final ReLU,
    the student's after it."""
    model = _build('reviewkd/reviewkd_r56_r20_cifar100.py')
    x, y, samples = _batch()
    student_feats = _postact_features(model.student, x)
    teacher_feats = _preact_features(model.teacher, x)
    assert any((f < 0).any() for f in teacher_feats[:3])  # pre-activation: negatives kept
    _at_epoch(epoch)
    got = model.loss(x, samples)['distill.loss_review']
    review = model.distiller.distill_losses['loss_review']
    for i in range(3):
        record = model.distiller.get_record(f's{i}', True)
        assert (record >= 0).all() and torch.equal(record, student_feats[i])
    reviewed = review.review(student_feats)
    expected = factor * 0.6 * sum(reference_hcl(s, t) for s, t in zip(reviewed, teacher_feats))
    assert torch.allclose(got, expected, rtol=1e-4), (got, expected)


def test_reviewkd_abf_convs_use_kaiming_uniform_a1():
    from sokd_mm.models.losses.reviewkd_loss import ABF
    torch.manual_seed(0)
    abf = ABF(64, 64, 64, fuse=True)
    w = abf.conv1[0].weight
    bound = (6 / ((1 + 1) * w[0].numel())) ** 0.5  # kaiming_uniform_(a=1): gain sqrt(2/(1+a^2))
    assert w.abs().max() <= bound and w.abs().max() > 0.9 * bound
    default_bound = 1 / w[0].numel() ** 0.5  # PyTorch's default init would stay below this
    assert w.abs().max() > default_bound


def test_fitnet_r56_r20_hint_is_stage_2_with_weight_100():
    model = _build('fitnet/fitnet_r56_r20_cifar100.py')
    x, y, samples = _batch()
    losses = model.loss(x, samples)
    s = model.distiller.get_record('hint', True)
    t = model.distiller.get_record('hint', False)
    assert s.shape[1:] == t.shape[1:] == (32, 16, 16)
    connected = model.distiller.connectors['hint_connector'](s)
    assert torch.allclose(losses['distill.loss_hint'], 100 * F.mse_loss(connected, t),
                          rtol=1e-4)


# Stage-2 outputs (mdistiller feats[2], RepDistiller hint_layer 2) of the CIFAR zoo at 32x32:
# (channels, height, width), from the reference architectures' widths and strides.
STAGE2 = {'resnet56': (32, 16, 16), 'resnet20': (32, 16, 16), 'resnet110': (32, 16, 16),
          'resnet32': (32, 16, 16), 'resnet32x4': (128, 16, 16), 'resnet8x4': (128, 16, 16),
          'wrn_40_2': (64, 16, 16), 'wrn_16_2': (64, 16, 16), 'wrn_40_1': (32, 16, 16),
          'vgg13': (256, 8, 8), 'vgg8': (256, 8, 8), 'resnet50': (512, 16, 16),
          'mobilenetv2': (16, 8, 8), 'shufflev1': (480, 8, 8), 'shufflev2': (232, 8, 8)}
PAIRS = {'r56_r20': ('resnet56', 'resnet20'), 'r32x4_r8x4': ('resnet32x4', 'resnet8x4'),
         'wrn40x2_wrn16x2': ('wrn_40_2', 'wrn_16_2'), 'vgg13_vgg8': ('vgg13', 'vgg8'),
         'r50_mv2': ('resnet50', 'mobilenetv2'), 'r32x4_shv1': ('resnet32x4', 'shufflev1'),
         'r32x4_shv2': ('resnet32x4', 'shufflev2'), 'r110_r32': ('resnet110', 'resnet32'),
         'wrn40x2_wrn40x1': ('wrn_40_2', 'wrn_40_1')}
HINT_CONFIGS = [f'{folder}/{method}_{pair}_cifar100.py' for pair in PAIRS
                for folder, method in (('fitnet', 'fitnet'), ('sokd', 'sokd_fitnet'),
                                       ('sokd', 'sokd_kd'))]


@pytest.mark.parametrize('path', HINT_CONFIGS)
def test_every_pair_hints_at_the_stage_2_outputs(path):
    import os.path as osp
    if not osp.isfile(f'{REPO}/configs/{path}'):
        pytest.fail(f'missing config {path}')
    teacher, student = PAIRS[path.split('_', 1)[1].replace('fitnet_', '').replace(
        'kd_', '').rsplit('_cifar100', 1)[0]]
    model = _build(path)
    x, y, samples = _batch(2)
    if hasattr(model.distiller, 'draw_policies'):
        model.distiller.draw_policies()
    losses = model.loss(x, samples)
    assert all(torch.isfinite(v).all() for v in losses.values())
    assert tuple(model.distiller.get_record('hint', True).shape[1:]) == STAGE2[student]
    assert tuple(model.distiller.get_record('hint', False).shape[1:]) == STAGE2[teacher]
    if path.startswith('sokd'):
        connector = model.distiller.connectors['hint_connector']
        assert type(connector).__name__ == 'ThreeBlockConvRegConnector'


def test_sokd_plus_fitnet_is_fitnets_hint_at_weight_30():
    """SoKD+ on the FitNet base keeps FitNet's single-block connector and whole-map MSE, with
    the hint weight 30 instead of the recipe's 100, and nothing else (no augmenter, no DAM)."""
    fitnet = _build('fitnet/fitnet_r56_r20_cifar100.py')
    plus = _build('sokd/sokd_plus_fitnet_r56_r20_cifar100.py')
    plus.student.load_state_dict(fitnet.student.state_dict())
    plus.teacher.load_state_dict(fitnet.teacher.state_dict())
    plus.distiller.connectors['hint_connector'].load_state_dict(
        fitnet.distiller.connectors['hint_connector'].state_dict())
    assert not len(plus.distiller.augmenters) and plus.search_epochs == 0
    x, y, samples = _batch()
    hint = fitnet.loss(x, samples)['distill.loss_hint']
    losses = plus.loss(x, samples)
    assert torch.allclose(losses['distill.loss_sokd_area_hint'], 0.3 * hint, rtol=1e-5)
    assert not any('agreement' in k or 'loss_hint' in k for k in losses)


def test_sokd_plus_kd_keeps_kd_and_adds_the_light_hint():
    kd = _build('kd/kd_r56_r20_cifar100.py')
    plus = _build('sokd/sokd_plus_kd_r56_r20_cifar100.py')
    plus.student.load_state_dict(kd.student.state_dict())
    plus.teacher.load_state_dict(kd.teacher.state_dict())
    x, y, samples = _batch()
    losses = plus.loss(x, samples)
    assert torch.allclose(losses['distill.loss_kd'], kd.loss(x, samples)['distill.loss_kd'])
    connector = plus.distiller.connectors['hint_connector']
    assert type(connector).__name__ == 'ConvRegConnector'
    s = connector(plus.distiller.get_record('hint', True))
    t = plus.distiller.get_record('hint', False)
    assert torch.allclose(losses['distill.loss_sokd_area_hint'], 30 * F.mse_loss(s, t),
                          rtol=1e-5)
