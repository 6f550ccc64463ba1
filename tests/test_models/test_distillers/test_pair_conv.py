"""PairFirstConvs: the DAM heads' first convolutions on cat([student, teacher]) give autograd's
values bit for bit, and compute no input gradient for a half that does not require one."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

from sokd_mm.models.distillers.sokd.dam import DistinctiveAreaModule
from sokd_mm.models.distillers.sokd.pair_conv import run_heads


def _heads():
    torch.manual_seed(0)
    return [nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(inplace=True),
                          nn.Conv2d(16, k, 1), nn.ReLU(inplace=True)) for k in (10, 2, 2)]


def _grads(heads, student, teacher, paired: bool):
    for t in (student, teacher):
        t.grad = None
    for head in heads:
        head.zero_grad()
    if paired:
        outs = run_heads(heads, student, teacher)
    else:  # what the DAM ran before: one batch, autograd's convolutions
        both = torch.cat([student, teacher])
        outs = [head(both) for head in heads]
    # The DAM's agreement term, plus a term on the student alone (as L_DA adds).
    cat = torch.cat([torch.sigmoid(outs[0]), outs[1], outs[2]], 1)
    (F.mse_loss(*cat.split(len(student))) + student.pow(2).mean()).backward()
    grads = [p.grad for head in heads for p in head.parameters()]
    return [o.detach() for o in outs], grads, student.grad, teacher.grad


@pytest.mark.parametrize('student_grad,teacher_grad', [(True, False), (True, True),
                                                       (False, True)])
def test_pair_first_convs_equal_autograd_bit_for_bit(student_grad, teacher_grad):
    heads = _heads()
    student = torch.randn(4, 16, 8, 8, requires_grad=student_grad)
    teacher = torch.randn(4, 16, 8, 8, requires_grad=teacher_grad)
    plain = _grads(heads, student, teacher, paired=False)
    paired = _grads(heads, student, teacher, paired=True)
    for a, b in zip(plain[0] + plain[1], paired[0] + paired[1]):
        assert torch.equal(a, b)
    for a, b in zip(plain[2:], paired[2:]):
        assert (a is None) == (b is None) and (a is None or torch.equal(a, b))


class _ConvBackwardCalls(TorchDispatchMode):
    """(batch size, output mask) of every convolution_backward."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func is torch.ops.aten.convolution_backward.default:
            self.calls.append((args[1].shape[0], list(args[-1])))
        return func(*args, **(kwargs or {}))


def test_dam_after_the_search_computes_no_teacher_input_gradient():
    dam = DistinctiveAreaModule(16, num_classes=10, topk=4)
    student = torch.randn(4, 16, 8, 8, requires_grad=True)
    teacher = torch.randn(4, 16, 8, 8)  # the refined teacher feature, no magnitude gradient
    losses = dam.losses(student, teacher)['losses']
    with _ConvBackwardCalls() as calls:
        (losses['area'] + losses['agreement']).backward()
    first_layers = [c for c in calls.calls if c[0] == 4]
    # Each head's 3x3 convolution computes the input gradient of the student half only (its
    # weight gradient is a separate call over both halves, as autograd's).
    assert len(first_layers) == 3 and all(mask == [True, False, False]
                                          for _, mask in first_layers)
    assert student.grad is not None and teacher.grad is None
