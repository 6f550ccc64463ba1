# Runtime shared by every config: plugin import, hooks, logging, TensorBoard, seed.
custom_imports = dict(imports=['sokd_mm'], allow_failed_imports=False)
default_scope = 'mmpretrain'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Keep the last checkpoints for --resume; the last epoch is always saved. The safe hook
    # writes to a temporary file and renames it, so a kill or a full disk mid-save never costs
    # the previous checkpoint.
    # by_epoch=False, interval=N: a checkpoint every N iterations, resumed mid-epoch exactly.
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=True, interval=10, max_keep_ckpts=3,
                    save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # RNG states in every checkpoint: --resume continues the same random streams.
    rng_state=dict(type='RNGStateHook'),
    # Stop at the first NaN/Inf loss term, naming it, before a checkpoint saves the bad state.
    finite_loss=dict(type='FiniteLossHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # tools/train.py switches to gloo on machines without GPUs
)

# Scalars go to the text log, to vis_data/scalars.json and to TensorBoard
# (`tensorboard --logdir work_dirs/<run>`).
vis_backends = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
visualizer = dict(type='mmpretrain.UniversalVisualizer', vis_backends=vis_backends)

log_processor = dict(by_epoch=True, window_size=10)
log_level = 'INFO'
load_from = None
resume = False

# deterministic=True makes CPU runs bit-reproducible (slower on GPU: cudnn deterministic).
randomness = dict(seed=0, deterministic=False)
