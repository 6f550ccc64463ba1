"""An early-stopped teacher is one config switch: training on the first images of the training
split, validating every epoch on the rest (disjoint), keeping the best held-out checkpoint next
to the last one, the test split untouched."""
import glob
import json

import pytest
from mmengine.config import Config

from sokd_mm.errors import ConfigError
from sokd_mm.utils import early_stopping
from tests.conftest import REPO


def test_shipped_early_stopped_teacher_holds_out_the_last_5000_training_images():
    cfg = Config.fromfile(f'{REPO}/configs/vanilla/resnet20_fashion_mnist_early_stop.py')
    held_out = cfg.val_dataloader.dataset
    assert cfg.train_dataloader.dataset.indices == 55000 and held_out.split == 'train'
    assert list(held_out.indices) == list(range(55000, 60000))  # disjoint from the first 55,000
    # one line in the dumped config and the log, not one per held-out image
    assert 'indices=range(55000, 60000)' in cfg.pretty_text
    assert cfg.test_dataloader.dataset.split == 'test'
    assert cfg.default_hooks.checkpoint.save_best == 'accuracy/top1'
    with pytest.raises(ConfigError, match='train_images < total_images'):
        early_stopping(100, 100)


def test_best_held_out_checkpoint_is_kept_next_to_the_last(tmp_path, train_tool,
                                                           fashion_mnist_root):
    config = tmp_path / 'early.py'
    config.write_text(f"""_base_ = ['{REPO}/configs/vanilla/resnet8_fashion_mnist.py']
from sokd_mm.utils import early_stopping
train_dataloader, val_dataloader, train_cfg, default_hooks = early_stopping(48, 64)
""")
    work = tmp_path / 'w'
    train_tool(str(config), 'train_cfg.max_epochs=3', 'train_dataloader.batch_size=16',
               *[f'{loader}.dataset.data_root={fashion_mnist_root}'
                 for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')],
               extra=['--work-dir', str(work)])
    best = glob.glob(str(work / 'best_accuracy_top1_epoch_*.pth'))
    assert len(best) == 1 and (work / 'epoch_3.pth').exists()
    scores = [json.loads(line)['accuracy/top1'] for path in glob.glob(
        str(work / '*' / 'vis_data' / 'scalars.json')) for line in open(path)
        if 'accuracy/top1' in line]
    assert len(scores) == 3  # every epoch, on the 16 held-out images (steps of 6.25 %)
    assert all((s / 6.25).is_integer() for s in scores)
    best_epoch = int(best[0].rsplit('_', 1)[1][:-4])
    assert scores[best_epoch - 1] == max(scores)
