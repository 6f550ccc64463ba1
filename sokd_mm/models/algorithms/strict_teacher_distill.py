"""mmrazor's single-teacher distillation with a teacher checkpoint that must fit.

``SingleTeacherDistill`` loads ``teacher_ckpt`` with ``strict=False`` and only logs mismatched
keys, so a checkpoint of the wrong architecture silently leaves a randomly initialised teacher
that the student then learns from. Here the checkpoint must match the teacher exactly; a
mismatch stops the run naming the first missing/unexpected keys and how to fix it.
"""
from collections import OrderedDict
from contextlib import nullcontext
from typing import Dict, Mapping, Optional

import torch
from mmengine.runner.checkpoint import CheckpointLoader
from mmrazor.models import SingleTeacherDistill
from mmrazor.models.utils import add_prefix

from .teacher_early_exit import TeacherEarlyExit, frozen_teacher_forward
from sokd_mm.errors import ConfigError, SokdError
from sokd_mm.registry import DISTILL_MODELS


class TeacherCheckpointError(SokdError, ValueError):
    """``teacher_ckpt`` is missing or does not fit the teacher architecture."""


def extract_state_dict(checkpoint: object, path: str) -> Dict[str, torch.Tensor]:
    """The model weights of an mmengine checkpoint (``state_dict``), a ``{'model': ...}`` file
    or a bare state dict, with DDP's ``module.`` prefixes removed."""
    if isinstance(checkpoint, Mapping):
        for key in ('state_dict', 'model'):
            if key in checkpoint and isinstance(checkpoint[key], Mapping):
                checkpoint = checkpoint[key]
                break
    if not isinstance(checkpoint, Mapping) or not all(
            isinstance(v, torch.Tensor) for v in checkpoint.values()):
        raise TeacherCheckpointError(
            f'{path} holds no state dict (a mapping of names to tensors under "state_dict", '
            '"model" or at the top level); give a checkpoint saved by training the teacher.')
    return OrderedDict((k[7:] if k.startswith('module.') else k, v) for k, v in checkpoint.items())


def holds_teacher_weights(path: str) -> bool:
    """Whether a checkpoint file is a distillation checkpoint with its teacher's weights (then
    testing or resuming it needs no separate teacher_ckpt)."""
    from sokd_mm.utils.checkpoint_io import load_weights
    try:
        state = load_weights(path)['state_dict']
    except Exception:  # noqa: BLE001  (unreadable here: the normal loading path will say why)
        return False
    return any(k.startswith('teacher.') for k in state)


def load_teacher_strictly(teacher: torch.nn.Module, path: str) -> None:
    try:
        checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    except FileNotFoundError:
        raise TeacherCheckpointError(
            f'teacher_ckpt {path!r} does not exist. Train the teacher first (configs/vanilla/ or '
            'configs/soteacher/) and pass its checkpoint, e.g. --cfg-options '
            'model.teacher_ckpt=work_dirs/<teacher>/epoch_240.pth') from None
    state = extract_state_dict(checkpoint, path)
    if any(k.startswith('architecture.') for k in state) and \
            any(k.startswith('teacher.') for k in state):
        raise TeacherCheckpointError(
            f'teacher_ckpt {path} is a distillation checkpoint (it holds a student and its '
            'teacher). Export the network that should teach: python tools/export_weights.py '
            f'{path} OUT.pth --part student (the distilled student) or --part teacher, then '
            'pass model.teacher_ckpt=OUT.pth.')
    expected = teacher.state_dict()
    # A SoTeacher checkpoint also holds its training state (the per-sample ensemble): not
    # part of the network, so a plain classifier teacher ignores it.
    state = OrderedDict((k, v) for k, v in state.items()
                        if k in expected or not k.startswith('soteacher_loss.'))
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong_shape = [f'{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(v.shape)}'
                   for k, v in expected.items() if k in state and state[k].shape != v.shape]
    if missing or unexpected or wrong_shape:
        hint = ''
        if any(not k.startswith(('backbone.', 'neck.', 'head.', 'data_preprocessor.'))
               for k in unexpected):
            hint = (' The keys look like a plain PyTorch (RepDistiller/mdistiller) checkpoint: '
                    'convert it with tools/model_converters/convert_repdistiller.py.')
        found = [f'{len(keys)} {what} (first: {keys[:n]})' for keys, what, n in (
            (missing, 'missing keys', 3), (unexpected, 'unexpected keys', 3),
            (wrong_shape, 'shape mismatches', 2)) if keys]  # only the kinds that occur
        raise TeacherCheckpointError(
            f'teacher_ckpt {path} does not fit the teacher architecture: {", ".join(found)}. '
            'Check that model.teacher is the architecture the checkpoint was trained with.'
            f'{hint}')
    teacher.load_state_dict(state, strict=True)


@DISTILL_MODELS.register_module()
class StrictTeacherDistill(SingleTeacherDistill):
    """``SingleTeacherDistill`` whose ``teacher_ckpt`` is loaded strictly (see module doc).

    Args:
        teacher_ckpt: local path of the trained teacher. ``None`` is refused unless
            ``allow_random_teacher=True`` (smoke tests only): distilling from an untrained
            teacher is almost always a config mistake.
        student_loss_weight: weight of the student's own task loss (``w_ce``). It lives here,
            not in the student's head config, so that swapping the student keeps it
            (RepDistiller's KD uses 0.1 with KD weight 0.9; the SoTeacher runs 0.5 / 0.5).
        teacher_early_exit: stop a frozen teacher's forward after the last module the
            distiller records (``teacher_early_exit.py``; same losses and gradients, a FitNet
            step at ResNet56's layer2 skips a third of the teacher). False runs it whole, as
            mmrazor does.
    """

    def __init__(self, teacher_ckpt: Optional[str] = None, allow_random_teacher: bool = False,
                 student_loss_weight: float = 1.0, teacher_from_checkpoint: bool = False,
                 teacher_early_exit: bool = True, **kwargs) -> None:
        if not isinstance(student_loss_weight, (int, float)) or student_loss_weight < 0:
            raise ConfigError('model.student_loss_weight must be a number >= 0, got '
                             f'{student_loss_weight!r}')
        super().__init__(teacher_ckpt=None, **kwargs)
        self.student_loss_weight = float(student_loss_weight)
        self._teacher_exit = None
        if teacher_early_exit and not self.teacher_trainable:
            self._teacher_exit = TeacherEarlyExit(
                self.teacher, getattr(self.distiller, 'teacher_recorders', None),
                bool(getattr(getattr(self.distiller, 'deliveries', None), 'deliveries', None)))
        if teacher_ckpt:
            load_teacher_strictly(self.teacher, teacher_ckpt)
            self.teacher._is_init = True  # keep init_weights() from overwriting it
        elif teacher_from_checkpoint:
            pass  # its weights are loaded with the rest of the checkpoint
        elif allow_random_teacher:
            from mmengine.logging import print_log
            print_log('model.allow_random_teacher=True and no teacher_ckpt: the teacher keeps '
                      'its random initialisation (smoke tests only; a distillation checkpoint '
                      'being tested or resumed brings its own teacher).', logger='current',
                      level=30)
        else:
            raise TeacherCheckpointError(
                'model.teacher_ckpt is not set: the student would learn from an untrained '
                'teacher. Pass the teacher checkpoint, e.g. --cfg-options '
                'model.teacher_ckpt=work_dirs/<teacher>/epoch_240.pth (or set '
                'model.allow_random_teacher=True for a smoke test).')

    def scale_student_losses(self, losses: dict) -> dict:
        """The student's own losses times w_ce (other logged values unchanged)."""
        if self.student_loss_weight == 1.0:
            return losses
        return {k: v * self.student_loss_weight if 'loss' in k else v for k, v in losses.items()}

    def run_frozen_teacher(self, batch_inputs: torch.Tensor, data_samples=None) -> None:
        """The frozen teacher's forward under the teacher recorders and deliveries."""
        self.distiller.set_deliveries_override(False)
        with self.distiller.teacher_recorders, self.distiller.deliveries:
            frozen_teacher_forward(self.teacher, self._teacher_exit, batch_inputs, data_samples)

    def _frozen_teacher_loss(self, batch_inputs: torch.Tensor, data_samples=None) -> dict:
        # mmrazor's SingleTeacherDistill.loss for a frozen teacher, whose teacher call runs the
        # whole network: the same steps with the teacher run by run_frozen_teacher.
        self.run_frozen_teacher(batch_inputs, data_samples)
        self.distiller.set_deliveries_override(True)
        with self.distiller.student_recorders, self.distiller.deliveries:
            if self.calculate_student_loss:
                losses = add_prefix(self.student(batch_inputs, data_samples, mode='loss'),
                                    'student')
            else:
                losses = {}
                with nullcontext() if self.student_trainable else torch.no_grad():
                    self.student(batch_inputs, data_samples, mode='loss')
        if not self.distillation_stopped:
            losses.update(add_prefix(self.distiller.compute_distill_losses(), 'distill'))
        return losses

    def loss(self, batch_inputs: torch.Tensor, data_samples=None) -> dict:
        if self._teacher_exit is None:
            losses = super().loss(batch_inputs, data_samples)
        else:
            losses = self._frozen_teacher_loss(batch_inputs, data_samples)
        student = self.scale_student_losses(
            {k[len('student.'):]: v for k, v in losses.items() if k.startswith('student.')})
        losses.update({f'student.{k}': v for k, v in student.items()})
        return losses
