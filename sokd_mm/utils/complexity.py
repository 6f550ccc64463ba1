"""Parameter and MAC counts of base models, with mmengine's complexity counter."""
from typing import Dict, List

import torch


def build_base_classifier(arch: str, dataset: str = 'cifar100') -> torch.nn.Module:
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import MODELS

    from .config_helpers import base_model
    cfg = base_model(arch, dataset=dataset, replace=False)
    cfg.pop('_scope_')
    # Whatever scope the caller runs in (a distillation run sets 'mmrazor'), the classifier
    # and its parts are mmpretrain's.
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(Config(dict(model=cfg)).model)


def measure(arch: str, shape: int = 32) -> Dict[str, float]:
    """``{'params_m': ..., 'macs_m': ...}`` for a 3 x shape x shape input."""
    return measure_classifier(build_base_classifier(arch), shape)


def config_classifiers(config: str) -> Dict[str, torch.nn.Module]:
    """The classifiers a config trains: ``{'model': ...}`` for a classifier config,
    ``{'student': ..., 'teacher': ...}`` for a distillation config."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import MODELS
    model = Config.fromfile(config).model
    parts = {'student': model['architecture'], 'teacher': model['teacher']} \
        if 'architecture' in model and 'teacher' in model else {'model': model}
    built = {}
    for name, cfg in parts.items():
        cfg = dict(cfg)
        cfg.pop('_scope_', None)
        cfg.pop('_delete_', None)
        if cfg.get('type') == 'SoTeacherClassifier':  # its extra loss is not part of the net
            cfg['type'], _ = 'ImageClassifier', cfg.pop('soteacher_loss')
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            built[name] = MODELS.build(cfg)
    return built


def measure_classifier(model: torch.nn.Module, shape: int = 32) -> Dict[str, float]:
    """Parameters and MACs of an mmpretrain classifier's backbone + neck + linear head."""
    from mmengine.analysis import get_model_complexity_info
    model = model.eval()

    class Logits(torch.nn.Module):  # the counter traces forward(x) -> tensor

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m.head.fc(self.m.neck(self.m.backbone(x))[-1])

    info = get_model_complexity_info(Logits(model), input_shape=(3, shape, shape),
                                     show_table=False, show_arch=False)
    return dict(params_m=info['params'] / 1e6, macs_m=info['flops'] / 1e6)


def complexity_table(archs: List[str], shape: int = 32) -> str:
    rows = ['| model | params (M) | MACs (M) |', '|---|---:|---:|']
    for arch in archs:
        m = measure(arch, shape)
        rows.append(f"| {arch} | {m['params_m']:.2f} | {m['macs_m']:.1f} |")
    return '\n'.join(rows)
