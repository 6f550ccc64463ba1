"""The first layers of a DAM's heads over the student and teacher halves as one batch, with
input gradients only for the halves that need them.

A DAM runs its heads on ``cat([f_s, F~_t])``: fewer, larger convolutions than two passes, and
one weight-gradient reduction over both halves. Autograd's convolution backward then computes
the input gradient of the whole batch whenever either half requires one, although the refined
teacher feature needs it only while the search differentiates the magnitudes, and the student
feature not at all in the search's finite-difference evaluations. ``PairFirstConvs`` runs the
first convolution of every head on that batch and computes the same forward, the same weight
and bias gradients (one ``convolution_backward`` over the full batch per head, as autograd)
and, for each half that requires it, the input gradient summed over the heads in the order
autograd accumulates it (last head first): bit for bit what autograd gives, without the halves
nobody reads.
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from torch.autograd.function import once_differentiable


class PairFirstConvs(torch.autograd.Function):
    """``[conv_k(cat([a, b])) for each first convolution conv_k]`` (module doc). Called as
    ``apply(a, b, convs, weight_1, bias_1, weight_2, bias_2, ...)``."""

    @staticmethod
    def forward(ctx, a: torch.Tensor, b: torch.Tensor, convs: Sequence[nn.Conv2d],
                *params: Optional[torch.Tensor]):
        x = torch.cat([a, b], 0)
        weights, biases = params[0::2], params[1::2]
        ctx.save_for_backward(x, *weights)
        ctx.n, ctx.convs, ctx.has_bias = len(a), convs, [bias is not None for bias in biases]
        return tuple(torch.nn.functional.conv2d(x, w, bias, c.stride, c.padding, c.dilation,
                                                c.groups)
                     for c, w, bias in zip(convs, weights, biases))

    @staticmethod
    @once_differentiable
    def backward(ctx, *grads: Optional[torch.Tensor]):
        x, *weights = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        need_params = ctx.needs_input_grad[3:]
        n = ctx.n
        halves = [x[:n], x[n:]]
        inputs = ([x] if need_a and need_b else
                  [halves[0]] if need_a else [halves[1]] if need_b else [])
        param_grads: List[Optional[torch.Tensor]] = []
        summed = None
        # Autograd accumulates the input gradients of a tensor's consumers last-made first.
        for k in reversed(range(len(weights))):
            conv, weight, grad = ctx.convs[k], weights[k], grads[k]
            need_w, need_bias = need_params[2 * k], need_params[2 * k + 1] and ctx.has_bias[k]
            if grad is None:
                param_grads[:0] = [None, None]
                continue

            def backward(g, inp, mask):
                return torch.ops.aten.convolution_backward(
                    g, inp, weight, [weight.shape[0]] if ctx.has_bias[k] else None,
                    list(conv.stride), list(conv.padding), list(conv.dilation), False, [0, 0],
                    conv.groups, mask)

            if inputs and inputs[0] is x:  # both halves: autograd's single call
                gx, gw, gbias = backward(grad, x, [True, need_w, need_bias])
            else:
                gx = None
                gw = gbias = None
                if need_w or need_bias:
                    _, gw, gbias = backward(grad, x, [False, need_w, need_bias])
                if inputs:
                    g = grad[:n] if need_a else grad[n:]
                    gx = backward(g, inputs[0], [True, False, False])[0]
            if gx is not None:
                summed = gx if summed is None else summed + gx
            param_grads[:0] = [gw, gbias]
        ga = gb = None
        if need_a and need_b:
            ga, gb = summed.split(n)
        elif need_a:
            ga = summed
        elif need_b:
            gb = summed
        return (ga, gb, None, *param_grads)


def run_heads(heads: Sequence[nn.Sequential], feature: torch.Tensor,
              pair: Optional[torch.Tensor] = None) -> List[torch.Tensor]:
    """``[head(feature) for head in heads]``, or the same on ``cat([feature, pair])`` with
    the heads' first convolutions as one ``PairFirstConvs``."""
    if pair is None or torch.is_autocast_enabled(feature.device.type):
        # Under autocast the saved input and the gradients differ in dtype: autograd's path.
        x = feature if pair is None else torch.cat([feature, pair], 0)
        return [head(x) for head in heads]
    firsts = [head[0] for head in heads]
    params = [t for conv in firsts for t in (conv.weight, conv.bias)]
    outs = PairFirstConvs.apply(feature, pair, firsts, *params)
    results = []
    for head, x in zip(heads, outs):
        for layer in list(head)[1:]:
            x = layer(x)
        results.append(x)
    return results
