"""Untrusted checkpoints: ``teacher_ckpt`` / ``load_from`` never execute code from the file;
tools/export_weights.py turns a trusted checkpoint into a weights-only file."""
import os
import os.path as osp
import pickle

import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from mmrazor.registry import MODELS

from sokd_mm.utils.checkpoint_io import UntrustedCheckpointError, load_weights
from tests.conftest import PYTHON, REPO, run_tool
from tests.test_models.test_algorithms.test_strict_teacher_distill import kd_model


class _Payload:
    """Unpickling this runs ``touch MARKER``: what a malicious checkpoint would do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def _crafted(tmp_path, name: str, wrap) -> tuple:
    marker = str(tmp_path / f'{name}.executed')
    path = str(tmp_path / f'{name}.pth')
    torch.save(wrap(_Payload(marker)), path)
    return path, marker


def test_crafted_pickle_as_teacher_ckpt_runs_nothing_and_is_refused(tmp_path):
    for name, wrap in (('bare', lambda p: p), ('as_state_dict', lambda p: {'state_dict': p}),
                       ('in_tensor_map', lambda p: {'state_dict': {'w': p}})):
        path, marker = _crafted(tmp_path, name, wrap)
        with pytest.raises(UntrustedCheckpointError) as error:
            MODELS.build(kd_model(teacher_ckpt=path))
        assert 'tools/export_weights.py' in str(error.value), name
        assert not osp.exists(marker), f'{name}: the payload ran'
    # Confirm the payload is live: a full unpickle does run it.
    torch.load(path, weights_only=False)
    assert osp.exists(marker)


def test_payload_beside_real_weights_stays_inert(tmp_path):
    marker = str(tmp_path / 'side.executed')
    torch.save({'state_dict': {'w': torch.arange(3.)}, 'meta': _Payload(marker)},
               tmp_path / 'side.pth')
    loaded = CheckpointLoader.load_checkpoint(str(tmp_path / 'side.pth'), map_location='cpu')
    assert torch.equal(loaded['state_dict']['w'], torch.arange(3.))
    assert loaded['meta'] == {} and not osp.exists(marker)


def test_full_mmengine_checkpoint_gives_its_weights_without_unpickling(tmp_path):
    state = {'backbone.w': torch.randn(4, 4), 'head.b': torch.randn(4)}
    path = str(tmp_path / 'epoch_1.pth')
    torch.save({'state_dict': state, 'meta': {'epoch': 1},
                'message_hub': {'log_scalars': {'loss': HistoryBuffer([1.0], [1])}}}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)
    loaded = load_weights(path)
    assert set(loaded['state_dict']) == set(state)
    assert all(torch.equal(loaded['state_dict'][k], v) for k, v in state.items())


def test_not_a_checkpoint_is_refused(tmp_path):
    path = tmp_path / 'notes.pth'
    path.write_bytes(b'hello')
    with pytest.raises(UntrustedCheckpointError, match='not a readable weights file'):
        load_weights(str(path))


def test_export_weights_student_and_teacher_of_a_distillation_checkpoint(tmp_path,
                                                                         resnet56_ckpt):
    torch.manual_seed(0)
    model = MODELS.build(kd_model(teacher_ckpt=resnet56_ckpt))
    src = str(tmp_path / 'kd_epoch_1.pth')
    torch.save({'state_dict': model.state_dict(),
                'message_hub': {'x': HistoryBuffer([1.0], [1])}}, src)
    tool = osp.join(REPO, 'tools', 'export_weights.py')
    for part, network in (('student', model.architecture), ('teacher', model.teacher)):
        out = str(tmp_path / f'{part}.pth')
        proc = run_tool([PYTHON, tool, src, out, '--part', part])
        assert 'weights_only=True' in proc.stdout
        saved = torch.load(out, weights_only=True)['state_dict']
        expected = network.state_dict()
        assert set(saved) == set(expected)
        assert all(torch.equal(saved[k], v) for k, v in expected.items())
    # The exported teacher is a valid teacher_ckpt.
    rebuilt = MODELS.build(kd_model(teacher_ckpt=str(tmp_path / 'teacher.pth')))
    assert torch.equal(rebuilt.teacher.head.fc.weight, model.teacher.head.fc.weight)
    bad = run_tool([PYTHON, tool, resnet56_ckpt, str(tmp_path / 'x.pth'), '--part', 'student'],
                   check=False)
    assert bad.returncode == 1 and 'not a distillation checkpoint' in bad.stderr
