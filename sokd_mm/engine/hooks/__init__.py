from .deferred_runtime_info_hook import DeferredRuntimeInfoHook, PendingOutputs
from .finite_loss_hook import FiniteLossHook, NonFiniteLossError
from .preemption_hook import PreemptionAgreementError, PreemptionHook, TrainingPreempted
from .rng_state_hook import RNGStateHook
from .safe_checkpoint_hook import (CheckpointSaveError, SafeCheckpointHook,
                                   find_last_complete_checkpoint)
from .soteacher_hook import SoTeacherHook

__all__ = ['CheckpointSaveError', 'DeferredRuntimeInfoHook', 'FiniteLossHook', 'NonFiniteLossError',
           'PreemptionAgreementError',
           'PendingOutputs', 'PreemptionHook', 'RNGStateHook',
           'SafeCheckpointHook', 'SoTeacherHook', 'TrainingPreempted',
           'find_last_complete_checkpoint']
