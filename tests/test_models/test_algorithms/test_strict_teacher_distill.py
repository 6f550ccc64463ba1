"""StrictTeacherDistill: the teacher checkpoint must fit; w_ce scales the student's loss."""
import pytest
import torch
from mmrazor.registry import MODELS

from sokd_mm.models.algorithms import TeacherCheckpointError
from sokd_mm.utils import base_model


def kd_model(**kwargs) -> dict:
    cfg = dict(
        type='StrictTeacherDistill',
        architecture=base_model('resnet8', replace=False),
        teacher=base_model('resnet56', replace=False),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(fc=dict(type='ModuleOutputs', source='head.fc')),
            teacher_recorders=dict(fc=dict(type='ModuleOutputs', source='head.fc')),
            distill_losses=dict(loss_kd=dict(type='KLDivergence', tau=4, loss_weight=0.9)),
            loss_forward_mappings=dict(loss_kd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
    cfg.update(kwargs)
    return cfg


def test_matching_checkpoint_loads_exactly(resnet56_ckpt):
    model = MODELS.build(kd_model(teacher_ckpt=resnet56_ckpt))
    saved = torch.load(resnet56_ckpt)['state_dict']
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, saved[k]), k
    assert not any(p.requires_grad for p in model.teacher.parameters())


def test_checkpoint_of_another_architecture_names_the_keys(tmp_path):
    from sokd_mm.utils.complexity import build_base_classifier
    path = tmp_path / 'r20.pth'
    torch.save({'state_dict': build_base_classifier('resnet20').state_dict()}, path)
    with pytest.raises(TeacherCheckpointError) as e:
        MODELS.build(kd_model(teacher_ckpt=str(path)))
    msg = str(e.value)
    assert 'missing keys' in msg and 'backbone.layer1.3' in msg


def test_plain_pytorch_checkpoint_points_to_converter(tmp_path):
    path = tmp_path / 'plain.pth'
    torch.save({'model': {'conv1.weight': torch.zeros(16, 3, 3, 3)}}, path)
    with pytest.raises(TeacherCheckpointError, match='convert_repdistiller'):
        MODELS.build(kd_model(teacher_ckpt=str(path)))


def test_missing_checkpoint_file_and_unset_checkpoint(tmp_path):
    with pytest.raises(TeacherCheckpointError, match='does not exist'):
        MODELS.build(kd_model(teacher_ckpt=str(tmp_path / 'nope.pth')))
    with pytest.raises(TeacherCheckpointError, match='teacher_ckpt is not set'):
        MODELS.build(kd_model())


def test_student_loss_weight_scales_only_the_student_task_loss(resnet56_ckpt):
    torch.manual_seed(0)
    full = MODELS.build(kd_model(teacher_ckpt=resnet56_ckpt))
    scaled = MODELS.build(kd_model(teacher_ckpt=resnet56_ckpt, student_loss_weight=0.1))
    scaled.load_state_dict(full.state_dict())
    from mmpretrain.structures import DataSample
    x = torch.randn(4, 3, 32, 32)
    samples = [DataSample().set_gt_label(i) for i in range(4)]
    a, b = full.loss(x, samples), scaled.loss(x, samples)
    assert torch.allclose(b['student.loss'], 0.1 * a['student.loss'])
    assert torch.allclose(b['distill.loss_kd'], a['distill.loss_kd'])
    with pytest.raises(ValueError, match='student_loss_weight'):
        MODELS.build(kd_model(teacher_ckpt=resnet56_ckpt, student_loss_weight=-1))


def test_random_teacher_is_a_logged_warning():
    import logging

    from mmengine.logging import MMLogger
    logger = MMLogger.get_instance('random_teacher_warning')
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    MODELS.build(kd_model(allow_random_teacher=True))
    assert any(r.levelno == logging.WARNING and 'random initialisation' in r.getMessage()
               for r in records)


def test_the_mismatch_names_only_the_kinds_that_occur(tmp_path):
    """A checkpoint of a smaller network: keys missing, none unexpected, no '0 ... []'."""
    from sokd_mm.utils.complexity import build_base_classifier
    path = tmp_path / 'r20.pth'
    state = build_base_classifier('resnet20').state_dict()
    torch.save({'state_dict': state}, path)
    with pytest.raises(TeacherCheckpointError) as e:
        MODELS.build(kd_model(teacher_ckpt=str(path)))
    msg = str(e.value)
    assert 'missing keys (first:' in msg and ': []' not in msg and '0 unexpected' not in msg
