"""Synchronised BatchNorm for CPU (gloo) DDP, and the DDP wrapper that applies it.

With per-process BatchNorm, 2 processes x batch 32 normalise each half of the batch with its own
statistics and do not train the same model as 1 process x batch 64. On GPUs the standard
mmengine option ``sync_bn='torch'`` (torch's ``SyncBatchNorm``) fixes that. torch's
``SyncBatchNorm`` refuses CPU tensors, so CPU runs (our multi-process tests, CPU clusters) get
:class:`GlooSyncBatchNorm`: per-channel sums, sums of squares and counts are all-reduced with
torch's autograd-aware ``all_reduce``, so the backward pass is synchronised too::

    mean = sum_r S_r / N,    var = sum_r Q_r / N - mean^2,    N = sum_r n_r

``tools/train.py --launcher pytorch`` on a machine without CUDA maps ``sync_bn`` in the config
onto this wrapper's ``sync_bn=True`` (``sokd_mm.apis.launch``).
"""
import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_fn
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm
from mmengine.model import MMDistributedDataParallel

from sokd_mm.registry import MODEL_WRAPPERS


class GlooSyncBatchNorm(_BatchNorm):
    """BatchNorm whose training statistics are synchronised over CPU processes (module doc).

    Not a subclass of ``nn.SyncBatchNorm``: torch's DDP refuses CPU modules that contain one.
    Outside distributed training it is a plain BatchNorm of any dimensionality.
    """

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f'expected at least 2D input (got {input.dim()}D input)')

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if not (self.training and dist.is_available() and dist.is_initialized()
                and dist.get_world_size() > 1):
            return super().forward(input)
        if self.momentum is None:
            raise ValueError('GlooSyncBatchNorm needs a numeric momentum (cumulative averages '
                             'are not supported).')
        dims = [0] + list(range(2, input.dim()))
        count = torch.tensor([input.numel() / input.shape[1]], dtype=input.dtype)
        stats = torch.cat([input.sum(dims), (input * input).sum(dims), count])
        stats = dist_fn.all_reduce(stats)
        channels = input.shape[1]
        total = stats[-1]
        mean = stats[:channels] / total
        var = stats[channels:2 * channels] / total - mean * mean
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                unbiased = var * total / (total - 1).clamp(min=1)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * unbiased)
        shape = [1, channels] + [1] * (input.dim() - 2)
        out = (input - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            out = out * self.weight.view(shape) + self.bias.view(shape)
        return out


def convert_to_gloo_sync_bn(module: nn.Module) -> nn.Module:
    """Replace every BatchNorm layer of ``module`` by :class:`GlooSyncBatchNorm` (same
    parameters and buffers)."""
    converted = module
    if isinstance(module, _BatchNorm):
        converted = GlooSyncBatchNorm(module.num_features, module.eps, module.momentum,
                                      module.affine, module.track_running_stats)
        if module.affine:
            converted.weight, converted.bias = module.weight, module.bias
        if module.track_running_stats:
            converted.running_mean, converted.running_var = module.running_mean, \
                module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
        converted.training = module.training
    for name, child in module.named_children():
        converted.add_module(name, convert_to_gloo_sync_bn(child))
    return converted


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` for CPU processes, optionally with synchronised BN."""

    def __init__(self, module: nn.Module, sync_bn: bool = False, **kwargs) -> None:
        super().__init__(module=convert_to_gloo_sync_bn(module) if sync_bn else module, **kwargs)
