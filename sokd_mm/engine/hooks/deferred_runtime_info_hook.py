"""DeferredRuntimeInfoHook: mmengine's RuntimeInfoHook for the fast runtime's loop.

``DeviceResidentTrainLoop`` gives every hook the iteration's outputs, as mmengine's loops do,
but as :class:`PendingOutputs`: loss tensors still on the device, which the loop reads in one
transfer at its next sync point and logs to the message hub itself. mmengine's hook would turn
each of them into a Python float at once (a host wait per iteration) and log it a second
time; this one leaves pending outputs to the loop and does the rest as mmengine's does.
Subclassed because mmengine's hook has no switch for it; ``--fast`` selects it
(``default_hooks.runtime_info``).
"""
from typing import Optional

from mmengine.hooks import RuntimeInfoHook

from sokd_mm.registry import HOOKS


class PendingOutputs(dict):
    """An iteration's detached outputs whose values the device-resident loop reads (and logs,
    and checks for non-finite losses) at its next sync point. Reading a tensor here makes the
    host wait for the device."""


@HOOKS.register_module()
class DeferredRuntimeInfoHook(RuntimeInfoHook):

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if isinstance(outputs, PendingOutputs):
            outputs = None  # logged by the loop at its sync point
        super().after_train_iter(runner, batch_idx, data_batch, outputs)
