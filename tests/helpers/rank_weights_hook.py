"""Test helper: after training, every rank saves its student weights (to compare ranks)."""
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class RankWeightsDumpHook(Hook):

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir

    def after_run(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()},
                   osp.join(self.out_dir, f'rank{get_rank()}.pth'))
