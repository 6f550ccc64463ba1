"""benchmarks/framework_overhead.py compares the runner's FitNet step with a plain PyTorch step:
the comparison means something only if both compute the same loss from the same weights."""
import torch


def test_the_plain_step_computes_the_distillers_fitnet_loss():
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS

    from benchmarks.framework_overhead import CONFIG, PlainStep
    cfg = Config.fromfile(CONFIG)
    cfg.model.update(teacher_ckpt=None, allow_random_teacher=True,
                     data_preprocessor=cfg.data_preprocessor)
    cfg.model.pop('_scope_', None)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg.model)
    model.train()
    plain = PlainStep(model, 'cpu', amp=False)
    gen = torch.Generator().manual_seed(0)
    batch = dict(inputs=[torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8, generator=gen)
                         for _ in range(8)],
                 data_samples=[DataSample().set_gt_label(i) for i in range(8)])
    with torch.no_grad():
        # the plain step first: both update the student's BN running statistics alike
        expected = plain.loss(batch)
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert set(losses) == {'student.loss', 'distill.loss_hint'}
    torch.testing.assert_close(total, expected, rtol=1e-5, atol=1e-6)
    # a hint of another weight would differ: the check can tell
    assert not torch.isclose(losses['student.loss'] + 2 * losses['distill.loss_hint'], expected)
