"""A SoKD child config a user writes on a base never silently keeps the base's own hint:
with FitNet as the base, L_DA replaces FitNet's plain hint loss unless asked to keep it; with
KD as the base, KD's loss stays."""
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.conftest import REPO


def _build_distiller(tmp_path, base: str, call: str):
    from mmrazor.registry import MODELS
    child = tmp_path / 'my_sokd.py'
    child.write_text(f"_base_ = ['{REPO}/configs/{base}']\n"
                     'from sokd_mm.utils import sokd_settings\n'
                     f'model, optim_wrapper, model_wrapper_cfg = sokd_settings({call})\n')
    model_cfg = Config.fromfile(str(child)).model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, allow_random_teacher=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(model_cfg).distiller


GEOMETRY = 'student_shape=(32, 16, 16), teacher_shape=(32, 16, 16), num_classes=10'


@pytest.mark.parametrize('call, kept', [
    (GEOMETRY, set()),                                   # the paper's SoKD-FitNet
    (GEOMETRY + ', replaces_hint_loss=True', set()),
    (GEOMETRY + ', replaces_hint_loss=False', {'loss_hint'}),  # asked for: both
])
def test_fitnet_base_hint_is_replaced_unless_kept(tmp_path, call, kept):
    distiller = _build_distiller(tmp_path, 'fitnet/fitnet_r20_r8_fashion_mnist.py', call)
    assert set(distiller.distill_losses) == kept
    assert set(distiller.loss_forward_mappings) == kept


def test_kd_base_keeps_its_loss(tmp_path):
    distiller = _build_distiller(tmp_path, 'kd/kd_r20_r8_fashion_mnist.py', GEOMETRY)
    assert set(distiller.distill_losses) == {'loss_kd'}
