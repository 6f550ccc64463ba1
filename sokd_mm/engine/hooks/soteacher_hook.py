"""SoTeacherHook: sizes SoTeacher's ensemble from the training set, checks its data before
training, and moves its epoch schedule.

The hook holds no state (the ensemble and its epoch live in ``SoTeacherLoss``, hence in the
checkpoint); it only tells the loss which epoch of how many is running.
"""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from sokd_mm.models.losses.soteacher_loss import SoTeacherConfigError, SoTeacherLoss
from sokd_mm.registry import HOOKS


def _soteacher_losses(runner) -> list:
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    return [m for m in model.modules() if isinstance(m, SoTeacherLoss)]


@HOOKS.register_module()
class SoTeacherHook(Hook):
    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        losses = _soteacher_losses(runner)
        if not losses:
            raise SoTeacherConfigError(
                'SoTeacherHook found no SoTeacherLoss in the model: use '
                "model.type='SoTeacherClassifier' with a soteacher_loss, or remove the hook.")
        dataset = runner.train_dataloader.dataset
        first = dataset[0]
        sample = first.get('data_samples') if isinstance(first, dict) else None
        if sample is None or 'sample_idx' not in sample:
            raise SoTeacherConfigError(
                f'The training dataset {type(dataset).__name__} does not carry sample indices '
                "(data_samples.sample_idx): keep 'sample_idx' in PackInputs' meta_keys.")
        for loss in losses:
            loss.allocate(len(dataset))  # no-op when num_samples was given or resumed
            if loss.ensemble.shape[0] == len(dataset):
                continue
            if loss.fixed_size:
                raise SoTeacherConfigError(
                    f'soteacher_loss.num_samples is {loss.ensemble.shape[0]} but the training '
                    f'set has {len(dataset)} samples: leave num_samples out (the ensemble is '
                    'then sized from the training set) or set '
                    f'model.soteacher_loss.num_samples={len(dataset)}.')
            raise SoTeacherConfigError(
                f'The resumed checkpoint holds a SoTeacher ensemble of '
                f'{loss.ensemble.shape[0]} samples but the training set has {len(dataset)}: '
                'resume only with the training set it was made with (same data, same '
                'dataset.indices), or start fresh without --resume.')

    def before_train_epoch(self, runner) -> None:
        for loss in _soteacher_losses(runner):
            loss.set_epoch(runner.epoch + 1, runner.max_epochs)
