"""mmrazor's ConfigurableDistiller with recorder names checked against the networks.

mmrazor's module recorders fail with a bare ``AssertionError: "x" is not in the model`` when a
``source`` names no module; here the message lists the nearest module names, so a typo in a
hint point is fixed at once.
"""
import difflib

import torch.nn as nn
from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor.models.task_modules.recorder import (ModuleInputsRecorder,
                                                  ModuleOutputsRecorder)

from sokd_mm.errors import SokdError
from sokd_mm.registry import DISTILL_MODELS


class RecorderNameError(SokdError, ValueError):
    """A recorder's ``source`` names no module of the network."""


def check_recorder_sources(recorders, model: nn.Module, side: str) -> None:
    names = [name for name, _ in model.named_modules()]  # '' is the model itself
    for key, recorder in recorders.recorders.items():
        if isinstance(recorder, (ModuleOutputsRecorder, ModuleInputsRecorder)) \
                and recorder.source not in names:
            close = difflib.get_close_matches(recorder.source, names, n=5, cutoff=0.5)
            raise RecorderNameError(
                f'{side}_recorders.{key}: source {recorder.source!r} is not a module of the '
                f'{side}. Nearest module names: {close}. Stage names of each model are listed '
                'in docs/en/model_zoo.md (the stage table).')


@DISTILL_MODELS.register_module()
class ValidatedDistiller(ConfigurableDistiller):
    """``ConfigurableDistiller`` whose recorder sources are checked with helpful messages."""

    def prepare_from_student(self, model: nn.Module) -> None:
        check_recorder_sources(self.student_recorders, model, 'student')
        super().prepare_from_student(model)

    def prepare_from_teacher(self, model: nn.Module) -> None:
        check_recorder_sources(self.teacher_recorders, model, 'teacher')
        super().prepare_from_teacher(model)
