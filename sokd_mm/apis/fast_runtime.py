"""``tools/train.py --fast``: the same config, trained through the fast runtime.

What changes (training semantics do not: same sampler order, augmentation distribution, model,
losses, optimizer, schedule, hooks and checkpoints):

* ``train_cfg``: ``ResumableEpochBasedTrainLoop`` -> ``DeviceResidentTrainLoop`` (data and
  augmentation on the device, losses read at sync points; see its module doc);
* the training dataloader starts no worker processes (it is only asked for its sampler);
* ``default_hooks.runtime_info``: ``DeferredRuntimeInfoHook`` (the loop logs the losses);
* on CUDA, unless ``bf16=False``: ``BF16OptimWrapper`` (bfloat16 autocast, no loss scaler) on
  the optimizer that trains the student (SoKD: the student side; its policy search keeps float32)
  and ``channels_last`` (the loop's ``'auto'``).

A config can also name the loop itself: ``train_cfg = dict(type='DeviceResidentTrainLoop', ...)``.
"""
from mmengine.config import Config

from sokd_mm.errors import ConfigError

EPOCH_LOOPS = ('ResumableEpochBasedTrainLoop', 'EpochBasedTrainLoop', 'DeviceResidentTrainLoop')


def device_loop_settings(cfg: Config) -> Config:
    """What ``DeviceResidentTrainLoop`` needs around it, for ``--fast`` and for a config that
    names the loop: ``DeferredRuntimeInfoHook`` (the loop logs the losses at its sync points;
    mmengine's RuntimeInfoHook would read them every iteration)."""
    hooks = cfg.setdefault('default_hooks', {})
    if hooks.get('runtime_info', {}).get('type', 'RuntimeInfoHook') == 'RuntimeInfoHook':
        hooks['runtime_info'] = dict(type='DeferredRuntimeInfoHook')
    return cfg


def apply_fast_runtime(cfg: Config, bf16: bool) -> Config:
    """Switch ``cfg`` to the fast runtime in place (module doc); returns it."""
    train_cfg = cfg.get('train_cfg') or {}
    loop = train_cfg.get('type') or ('EpochBasedTrainLoop' if train_cfg.get('by_epoch')
                                     else None)
    if loop not in EPOCH_LOOPS:
        raise ConfigError(
            f'--fast runs epoch-based training; this config trains with '
            f'{loop or "an iteration-based loop"} (train_cfg={dict(train_cfg)}). Use '
            "train_cfg=dict(type='ResumableEpochBasedTrainLoop', max_epochs=...), or drop --fast.")
    train_cfg.pop('by_epoch', None)
    train_cfg['type'] = 'DeviceResidentTrainLoop'
    cfg.train_dataloader.update(num_workers=0, persistent_workers=False)
    device_loop_settings(cfg)
    if bf16:
        wrapper = cfg.optim_wrapper  # SoKD: the student side; its policy keeps its type
        if wrapper.get('type', 'OptimWrapper') != 'OptimWrapper':
            raise ConfigError(
                f"--fast trains in bfloat16 through BF16OptimWrapper, but the config's "
                f"optimizer wrapper is {wrapper.get('type')}: drop --amp (bf16 needs no loss "
                'scaler), or add --no-bf16 to keep that wrapper in float32.')
        wrapper.type = 'BF16OptimWrapper'
    return cfg
