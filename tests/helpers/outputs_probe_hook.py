"""Test helper: a third-party hook that reads each iteration's outputs, as mmengine's loops
give them, and writes what it saw (keys, and whether each value is a tensor) at the end."""
import json
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class OutputsProbeHook(Hook):

    def __init__(self, out_dir: str) -> None:
        self.out_dir, self.seen = out_dir, []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.seen.append(None if outputs is None else
                         {k: isinstance(v, torch.Tensor) for k, v in outputs.items()})

    def after_run(self, runner) -> None:
        with open(osp.join(self.out_dir, 'outputs_seen.json'), 'w') as f:
            json.dump(self.seen, f)
