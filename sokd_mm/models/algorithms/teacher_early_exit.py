"""Run a frozen teacher only as far as the distiller reads it.

mmrazor's ``SingleTeacherDistill`` runs the whole teacher in ``mode='loss'`` (its last stages,
head and task loss included) and throws the result away: only what the teacher recorders
capture is used. A FitNet or SoKD hint at ResNet56's ``layer2`` leaves its ``layer3`` (a third of
the teacher's FLOPs), pooling, head and loss computed for nothing. ``TeacherEarlyExit`` learns,
on the first call, in which order the recorded modules run and from then on stops the teacher's
forward right after the last of them has run (and been recorded). Everything the distiller
reads is computed exactly as before, so losses and gradients are unchanged.

It stays out of the way (runs the whole teacher) where stopping could change anything: a
teacher recorder of another kind than module outputs/inputs (method or function recorders fire
wherever the code calls them), a delivery (it may need a later call), a recorded module that runs
twice in one forward, or a normalisation layer in training mode (its running statistics would
stop updating past the exit).
"""
from typing import Callable, Dict, Optional

import torch
from mmrazor.models.task_modules.recorder import ModuleOutputsRecorder
from torch import nn


class _TeacherDone(Exception):
    """Raised by the hook on the last recorded module to leave the teacher's forward."""


def _stop(module: nn.Module, inputs, outputs) -> None:
    raise _TeacherDone


class TeacherEarlyExit:
    """Args:
        teacher: the frozen teacher.
        recorders: the distiller's teacher ``RecorderManager``.
        has_deliveries: whether the distiller has any delivery (then the teacher always runs
            whole).
    """

    def __init__(self, teacher: nn.Module, recorders, has_deliveries: bool) -> None:
        self.teacher = teacher
        items = getattr(recorders, 'recorders', {}) or {}
        plain = all(isinstance(r, ModuleOutputsRecorder) for r in items.values())
        names = dict(teacher.named_modules())
        self.sources: Optional[Dict[str, nn.Module]] = None
        if items and plain and not has_deliveries and all(r.source in names
                                                          for r in items.values()):
            self.sources = {r.source: names[r.source] for r in items.values()}
        self.stop: Optional[str] = None  # learned on the first call; '' = never stop early

    def _norm_in_training(self) -> bool:
        return any(isinstance(m, nn.modules.batchnorm._NormBase) and m.training
                   for m in self.teacher.modules())

    def __call__(self, run: Callable[[], object]) -> None:
        """Call ``run`` (the teacher's forward under the recorders' context), stopped early
        where that is safe."""
        if self.sources is None or self.stop == '' or self._norm_in_training():
            run()
            return
        if self.stop is None:
            self.stop = self._learn_stop(run)
            return
        handle = self.sources[self.stop].register_forward_hook(_stop)
        try:
            run()
        except _TeacherDone:
            pass
        finally:
            handle.remove()

    def _learn_stop(self, run: Callable[[], object]) -> str:
        order = []
        handles = [module.register_forward_hook(
            lambda m, i, o, name=name: order.append(name)) for name, module in
            self.sources.items()]
        try:
            run()
        finally:
            for handle in handles:
                handle.remove()
        if sorted(order) != sorted(self.sources):  # one missing or run twice: keep it whole
            return ''
        return order[-1]


def frozen_teacher_forward(teacher: nn.Module, early_exit: Optional[TeacherEarlyExit],
                           inputs: torch.Tensor, data_samples) -> None:
    """The frozen teacher's forward in ``mode='loss'`` (its output unused), under no_grad and
    stopped by ``early_exit`` when one is given."""
    with torch.no_grad():
        if early_exit is None:
            teacher(inputs, data_samples, mode='loss')
        else:
            early_exit(lambda: teacher(inputs, data_samples, mode='loss'))
