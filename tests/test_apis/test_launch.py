"""Multi-process start-up: what N processes do to the batch and the learning rate is said."""
from mmengine.config import Config

from sokd_mm.apis import total_batch_note
from tests.conftest import REPO


def test_a_multi_process_run_names_its_total_batch_and_the_lr_flag():
    cfg = Config.fromfile(f'{REPO}/configs/kd/kd_r20_r8_fashion_mnist.py')
    assert total_batch_note(cfg, 1) is None
    note = total_batch_note(cfg, 2)
    assert note.startswith('2 processes x batch 64 per process = total batch 128')
    assert 'set for batch 64; pass --auto-scale-lr to scale it to 128 (lr x 2)' in note
    cfg.auto_scale_lr.enable = True  # --auto-scale-lr: mmengine scales it, nothing to say
    assert total_batch_note(cfg, 2) is None
