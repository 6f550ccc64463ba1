"""ConvRegConnector maps student features onto the teacher's shape, or says why it cannot."""
import pytest
import torch
from mmrazor.models.architectures.connectors.base_connector import BaseConnector
from mmrazor.registry import MODELS

from sokd_mm.models.connectors import ConnectorShapeError


@pytest.mark.parametrize('student,teacher', [
    ((64, 8, 8), (64, 8, 8)),      # same size: 1x1 conv
    ((32, 16, 16), (256, 8, 8)),   # twice as large: stride-2 conv
    ((64, 4, 4), (128, 8, 8)),     # half as large: transposed conv
    ((64, 10, 10), (32, 8, 8)),    # slightly larger: (1 + 2) x (1 + 2) conv
])
def test_output_has_teacher_shape(student, teacher):
    conn = MODELS.build(dict(type='ConvRegConnector', student_shape=student,
                             teacher_shape=teacher))
    assert isinstance(conn, BaseConnector)
    out = conn(torch.randn(2, *student))
    assert out.shape == (2, *teacher)
    assert (out >= 0).all()  # ends with ReLU


def test_unreconcilable_shapes_are_refused_with_a_reason():
    with pytest.raises(ConnectorShapeError, match='cannot map'):
        MODELS.build(dict(type='ConvRegConnector', student_shape=(64, 4, 4),
                          teacher_shape=(64, 16, 16)))


def test_feature_of_another_shape_than_configured_is_reported():
    conn = MODELS.build(dict(type='ConvRegConnector', student_shape=(64, 8, 8),
                             teacher_shape=(64, 8, 8)))
    with pytest.raises(ConnectorShapeError, match=r'configured for .*\(64, 8, 8\).*\(32, 8, 8\)'):
        conn(torch.randn(2, 32, 8, 8))


@pytest.mark.parametrize('student,teacher', [
    ((32, 16, 16), (32, 16, 16)),   # ResNet56 -> ResNet20, stage 2
    ((16, 8, 8), (512, 16, 16)),    # ResNet50 -> MobileNetV2: transposed first block
    ((128, 16, 16), (64, 8, 8)),    # larger student map: strided first block
])
def test_three_block_connector_shapes_and_blocks(student, teacher):
    conn = MODELS.build(dict(type='ThreeBlockConvRegConnector', student_shape=student,
                             teacher_shape=teacher))
    out = conn(torch.randn(2, *student))
    assert out.shape == (2, *teacher) and (out >= 0).all()
    convs = [m for m in conn.modules() if isinstance(m, (torch.nn.Conv2d,
                                                         torch.nn.ConvTranspose2d))]
    bns = [m for m in conn.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(convs) == 3 and len(bns) == 3
    # the two extra blocks are 3x3 C_t -> C_t convolutions that keep the size
    assert all(c.kernel_size == (3, 3) and c.in_channels == c.out_channels == teacher[0]
               for c in convs[1:])
