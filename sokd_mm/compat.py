"""Make the pinned OpenMMLab stack work on current torch. Imported first by ``sokd_mm``.

Two upstream problems are patched here, and nothing else:

1. **mmrazor 1.0.0 cannot import its models on torch 2.x** (``ImportError: `torch>=1.13` is not
   installed properly``; mmrazor issue #632, no release since 2023). Importing distillers reaches
   mmrazor's quantization backend configs, which need names that torch has since made private
   or removed: ``fuser_method_mappings.reverse2/reverse3/reverse_sequential_wrapper2``, the
   implicitly imported ``torch.ao.quantization.backend_config.utils`` and three private setters
   of ``BackendPatternConfig``. We restore those names (aliases, and setters that return
   ``self``). mmrazor's quantization features stay unsupported; distillation does not use them.
2. **mmengine 0.10.7 cannot resume on torch >= 2.6** (``UnpicklingError: Weights only load
   failed ... HistoryBuffer``; mmengine issue #1655, PR #1650 unmerged): its local checkpoint
   loader calls ``torch.load`` with the new default ``weights_only=True``, but a full training
   checkpoint pickles message-hub objects. We re-register the local loader with
   ``weights_only=False``. That unpickles arbitrary objects: load only checkpoints you trust.
"""
import importlib

import torch

PATCHED = []


def _patch_quantization_names() -> None:
    importlib.import_module('torch.ao.quantization.backend_config.utils')
    import torch.ao.quantization.fuser_method_mappings as fmm
    from torch.ao.quantization.backend_config import BackendPatternConfig

    if not hasattr(fmm, 'reverse2') and hasattr(fmm, '_reverse2'):
        fmm.reverse2 = fmm._reverse2
        fmm.reverse3 = fmm._reverse3
        PATCHED.append('fuser_method_mappings.reverse2/reverse3')
    if not hasattr(fmm, 'reverse_sequential_wrapper2'):

        def reverse_sequential_wrapper2(sequential):
            """The removed torch helper: fuse ``(x, y)`` into ``sequential(y, x)``."""

            def fuser_method(is_qat, x, y):
                return sequential(y, x)

            return fuser_method

        fmm.reverse_sequential_wrapper2 = reverse_sequential_wrapper2
        PATCHED.append('fuser_method_mappings.reverse_sequential_wrapper2')
    for setter in ('_set_overwrite_output_fake_quantize', '_set_overwrite_output_observer',
                   '_set_input_output_observed'):
        if not hasattr(BackendPatternConfig, setter):
            setattr(BackendPatternConfig, setter, lambda self, *args, **kwargs: self)
            PATCHED.append(f'BackendPatternConfig.{setter}')


def _patch_local_checkpoint_loader() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader

    def load_from_local(filename: str, map_location=None):
        import os.path as osp
        filename = osp.expanduser(filename)
        if not osp.isfile(filename):
            raise FileNotFoundError(
                f'Checkpoint file {filename!r} does not exist. Check the path given to '
                '--resume / load_from / teacher_ckpt.')
        return torch.load(filename, map_location=map_location, weights_only=False)

    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local, force=True)
    PATCHED.append('mmengine local checkpoint loader (weights_only=False)')


_patch_quantization_names()
_patch_local_checkpoint_loader()
