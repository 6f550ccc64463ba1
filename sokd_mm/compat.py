"""Make the pinned OpenMMLab stack work on current torch. Imported first by ``sokd_mm``.

Two upstream problems are patched here, and two costs or misreadings of mmengine's (3 and 4):

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
   checkpoint pickles message-hub objects. We re-register the local loader: ``--resume`` (the
   run's own checkpoints, inside ``Runner.resume``) unpickles fully; ``load_from`` and
   ``teacher_ckpt`` take only the weights and never run code from the file
   (``sokd_mm.utils.checkpoint_io``).
3. **mmengine's environment report says 'GPU number'** for the number of processes, which
   reads as a GPU count on a CPU machine; it says 'processes (world size)'.
4. **mmengine re-formats the whole config with yapf on every ``pretty_text``**, seconds per run
   on a 2-core CPU for the same text; the formatting is memoized.
"""
import importlib

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
    import functools

    from mmengine.runner import Runner
    from mmengine.runner.checkpoint import CheckpointLoader

    from sokd_mm.utils.checkpoint_io import load_local_checkpoint, trusted_loading

    CheckpointLoader.register_scheme(prefixes='', loader=load_local_checkpoint, force=True)
    if not getattr(Runner.resume, '_sokd_trusted', False):
        original = Runner.resume

        @functools.wraps(original)
        def resume(self, *args, **kwargs):
            with trusted_loading():
                return original(self, *args, **kwargs)

        resume._sokd_trusted = True
        Runner.resume = resume
    PATCHED.append('mmengine local checkpoint loader (weights only; full unpickling for resume)')


def _patch_env_report() -> None:
    """mmengine labels the number of processes 'GPU number', which reads as a GPU count on a
    CPU machine; the report says 'processes (world size)' instead."""
    import functools

    from mmengine.runner import Runner
    if getattr(Runner._log_env, '_sokd_relabelled', False):
        return
    original = Runner._log_env

    def relabel(record) -> bool:
        if isinstance(record.msg, str):
            record.msg = record.msg.replace('GPU number:', 'processes (world size):')
        return True

    @functools.wraps(original)
    def _log_env(self, *args, **kwargs):
        self.logger.addFilter(relabel)
        try:
            return original(self, *args, **kwargs)
        finally:
            self.logger.removeFilter(relabel)

    _log_env._sokd_relabelled = True
    Runner._log_env = _log_env
    PATCHED.append("mmengine environment report: 'GPU number' -> 'processes (world size)'")


def _patch_config_formatting(cache_size: int = 16) -> None:
    """mmengine formats a config's text with yapf on every ``Config.pretty_text``: the log, the
    dumped config, the visualizer and each checkpoint's meta, eight times in a run and up to
    two seconds each on a SoKD config on a 2-core CPU. The same text formats to the same
    result, so ``FormatCode`` is memoized on its arguments (the last ``cache_size`` texts)."""
    import functools
    from collections import OrderedDict

    import mmengine.config.config as config_module
    original = config_module.FormatCode
    if getattr(original, '_sokd_memoized', False):
        return
    cache: OrderedDict = OrderedDict()

    @functools.wraps(original)
    def format_code(text, *args, **kwargs):
        key = (text, repr(args), repr(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = original(text, *args, **kwargs)
            if len(cache) > cache_size:
                cache.popitem(last=False)
        return cache[key]

    format_code._sokd_memoized = True
    format_code.cache = cache
    config_module.FormatCode = format_code
    PATCHED.append('mmengine Config.pretty_text: yapf formatting memoized')


_patch_quantization_names()
_patch_local_checkpoint_loader()
_patch_env_report()
_patch_config_formatting()
