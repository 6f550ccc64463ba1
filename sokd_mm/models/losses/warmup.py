"""The linear warm-up of a distillation term used by the DKD and ReviewKD references:
``min(epoch / warmup_epochs, 1)`` with epochs counted from 1 (mdistiller's trainer), so the
first epoch weighs ``1 / warmup_epochs``.

The epoch comes from mmengine's MessageHub (``epoch``, counted from 0, set by the runner before
each epoch), which the checkpoint carries: nothing else to save for an exact resume.
"""
from mmengine.logging import MessageHub

from sokd_mm.errors import ConfigError


def check_warmup_epochs(owner: str, warmup_epochs) -> int:
    if isinstance(warmup_epochs, bool) or not isinstance(warmup_epochs, int) \
            or warmup_epochs < 0:
        raise ConfigError(f'{owner}: warmup_epochs must be an integer >= 0 (0: no warm-up), '
                          f'got {warmup_epochs!r}')
    return warmup_epochs


def warmup_factor(warmup_epochs: int, epoch: int = None) -> float:
    """``min(e / warmup_epochs, 1)`` for the 1-based epoch ``e`` (the runner's current epoch
    when ``epoch`` is None); 1 without warm-up."""
    if not warmup_epochs:
        return 1.0
    if epoch is None:
        epoch = MessageHub.get_current_instance().get_info('epoch', 0) + 1
    return min(epoch / warmup_epochs, 1.0)
