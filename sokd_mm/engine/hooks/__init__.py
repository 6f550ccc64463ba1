from .finite_loss_hook import FiniteLossHook, NonFiniteLossError
from .rng_state_hook import RNGStateHook
from .safe_checkpoint_hook import (CheckpointSaveError, SafeCheckpointHook,
                                   find_last_complete_checkpoint)
from .soteacher_hook import SoTeacherHook

__all__ = ['CheckpointSaveError', 'FiniteLossHook', 'NonFiniteLossError', 'RNGStateHook',
           'SafeCheckpointHook', 'SoTeacherHook', 'find_last_complete_checkpoint']
