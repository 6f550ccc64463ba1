"""User mistakes through tools/train.py: exit status 1 and one message that names the problem and
the fix, never a traceback (the unit tests of each check live beside its component)."""
import os.path as osp

import pytest
import torch

from tests.conftest import REPO, small_cifar_options

FITNET = osp.join(REPO, 'configs/fitnet/fitnet_r56_r20_cifar100.py')


def _r20_checkpoint(tmp_path) -> str:
    from sokd_mm.utils.complexity import build_base_classifier
    path = str(tmp_path / 'r20.pth')
    torch.save({'state_dict': build_base_classifier('resnet20').state_dict()}, path)
    return path


def _crafted_pickle(tmp_path) -> str:
    from tests.test_utils.test_checkpoint_io import _crafted
    path, _ = _crafted(tmp_path, 'load_from', lambda payload: payload)
    return path


CASES = {
    'load_from that would run code': (
        osp.join(REPO, 'configs/vanilla/resnet8_cifar100.py'),
        lambda tmp, root, ckpt: small_cifar_options(root) + [
            f'load_from={_crafted_pickle(tmp)}'], [], ['tools/export_weights.py']),
    'data missing': (FITNET, lambda tmp, root, ckpt: [
        o.replace(root, str(tmp)) for o in small_cifar_options(root)] + [
        f'model.teacher_ckpt={ckpt}'], [], ['cifar-100-python/train not found', 'data_root']),
    'teacher of another architecture': (FITNET, lambda tmp, root, ckpt: small_cifar_options(
        root) + [f'model.teacher_ckpt={_r20_checkpoint(tmp)}'], [],
        ['does not fit the teacher architecture', 'missing keys']),
    'hint naming no module': (FITNET, lambda tmp, root, ckpt: small_cifar_options(root) + [
        f'model.teacher_ckpt={ckpt}',
        'model.distiller.student_recorders.hint.source=backbone.layer03'], [],
        ["'backbone.layer03'", 'backbone.layer3']),
    'resume path missing': (FITNET, lambda tmp, root, ckpt: [], ['--resume', '/nonexistent.pth'],
                            ['no such checkpoint']),
    'config file missing': (osp.join(REPO, 'configs/fitnet/fitnet_r56_r2O.py'),
                            lambda tmp, root, ckpt: [], [], ['not found']),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_mistake_gives_one_clear_message(case, train_tool, tmp_path, cifar100_root,
                                         resnet56_ckpt):
    config, make_opts, extra, phrases = CASES[case]
    proc = train_tool(config, *make_opts(tmp_path, cifar100_root, resnet56_ckpt), check=False,
                      extra=['--work-dir', str(tmp_path / 'w'), *extra])
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    for phrase in phrases:
        assert phrase in last, last
    assert not list(tmp_path.glob('*.executed'))  # a crafted checkpoint's payload never ran
