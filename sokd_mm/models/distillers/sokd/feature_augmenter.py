"""SoKD's learnable feature augmentation (docs/en/methods.md 2.1, 2.1a).

A policy over the 36 unordered pairs of distinct feature ops (``feature_ops.py``): per
sub-policy ``s`` selection logits ``alpha_s``, and per op in it an application probability
``p`` and a magnitude ``m`` in [0, 1]. Each iteration draws one sub-policy ``c ~ softmax(alpha)``
and, for every op of every sub-policy, ``b ~ Bernoulli(p)``; the chosen pair's applied ops act on
the teacher feature in order.

Gradients reach the policy without changing the sampled feature:

- magnitudes by a straight-through estimator, ``F~ + sum_applied m - stopgrad(sum_applied m)``;
- ``p`` (through ``l = log p - log(1 - p)``) and ``alpha`` by RELAX with a learned control
  variate ``g_phi`` (an MLP, 100 tanh units, over the relaxed samples at temperature 0.5)::

    g_hat = (f(b, c) - g_phi(z~)) * d log P(b, c) + d g_phi(z) - d g_phi(z~)

  with ``z`` the relaxed sample and ``z~`` its conditional resample given ``(b, c)``; ``phi``
  minimises ``mean(g_hat^2)``.

Two ways to draw (``sampling``), both exact on resume:

- ``'host'`` (the standard runtime): the sample is drawn from the augmenter's own CPU
  ``torch.Generator``, whose state is saved with the module, and only the drawn ops run;
- ``'device'`` (set by the fast runtime, ``DeviceResidentTrainLoop``): the sample, the ops'
  random draws and the applied magnitudes stay on the model's device, drawn from a device
  generator seeded from the run's position (seed, iteration), so nothing is read back to the
  host and nothing is copied to the device during a step (``device_ops.py``). Same
  distribution, another random stream.
"""
import itertools
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple, Union

import torch
import torch.nn as nn

from mmengine.logging import MessageHub

from .device_ops import apply_slot, op_ranges, slot_ops
from .feature_ops import OP_GROUPS, OP_NAMES, OP_SETS, apply_op
from sokd_mm.errors import ConfigError
from sokd_mm.registry import DISTILL_MODELS

SUB_POLICIES = tuple(itertools.combinations(range(len(OP_NAMES)), 2))  # 36 pairs of all nine
EPS = 1e-6
SAMPLING = ('host', 'device')


def position_seed(seed: int, position: int) -> int:
    """A 63-bit seed for ``position`` of a run seeded with ``seed`` (splitmix64 finaliser):
    neighbouring positions get unrelated streams, and the value needs no device."""
    z = (seed * 0x9E3779B97F4A7C15 + position + 1) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return (z ^ (z >> 31)) >> 1


def _pick(t: torch.Tensor, choice) -> torch.Tensor:
    """``t[choice]`` for an int or a 0-dim device tensor (indexing by a tensor would read it)."""
    return t[choice] if isinstance(choice, int) else t.index_select(0, choice.view(1))[0]


def _on(t: torch.Tensor, device: torch.device) -> torch.Tensor:
    return t if t.device == device else t.to(device)


def resolve_ops(ops: Union[str, Sequence[str]]) -> Tuple[str, ...]:
    """Op names of an ``ops`` setting (a group name or a list), in ``OP_NAMES`` order."""
    names = OP_GROUPS.get(ops) if isinstance(ops, str) else tuple(ops)
    if names is None or not set(names) <= set(OP_NAMES) or len(set(names)) < 2:
        raise ConfigError(f'FeatureAugmenter: ops={ops!r}; expected one of {sorted(OP_GROUPS)} '
                          f'or a list of at least two of {list(OP_NAMES)}')
    return tuple(name for name in OP_NAMES if name in names)


@dataclass
class PolicySample:
    """One draw: chosen sub-policy, Bernoulli bits of every op, the uniforms that made them,
    and the seed of the ops' own random draws (cut-out centres, noise, permutations). With
    device sampling ``choice`` is a 0-dim tensor and the tensors live on the model's device."""
    choice: Union[int, torch.Tensor]
    bits: torch.Tensor        # (36, 2) in {0, 1}
    u_bern: torch.Tensor      # (36, 2) uniforms of the Bernoulli draw
    v_bern: torch.Tensor      # (36, 2) uniforms of its conditional resample
    u_cat: torch.Tensor       # (36,) uniforms of the categorical draw
    v_cat: torch.Tensor       # (36,)
    op_seed: int

    def applied_ops(self) -> List[int]:
        """Positions (0/1) of the chosen sub-policy's ops that apply, in order."""
        return [k for k in range(2) if self.bits[self.choice, k] > 0]


class ControlVariate(nn.Module):
    """g_phi: MLP over ``2 * [sigmoid(z_bern / t), softmax(z_cat / t)] - 1``."""

    def __init__(self, in_features: int, hidden: int = 100) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, relaxed: torch.Tensor) -> torch.Tensor:
        return self.net(2 * relaxed - 1).squeeze(-1)


@DISTILL_MODELS.register_module()
class FeatureAugmenter(nn.Module):
    """Args:
        temperature: relaxation temperature of the samples (0.5).
        init_alpha, init_prob, init_magnitude: initial values (1e-3, 0.5, 0.5).
        seed: seed of the sampling generator; ``None`` takes ``torch.initial_seed()``, i.e. the
            run's seed set by mmengine before the model is built.
        apply_ops: apply the drawn ops to the feature (default). ``False`` reproduces the
            authors' SoKD-ReviewKD code, where the ops never change the feature values and
            only the straight-through magnitude terms are added (the policy still learns
            through them and RELAX, but the teacher's feature is passed on unchanged).
        op_set: ``'reference'`` (the authors' ops: Rotate's direction, Translate in grid units,
            one Cutout square and one ChannelDrop set per batch) or ``'ours'`` (per-image
            draws); see ``feature_ops.py``.
        ops: the ops the policy chooses from: ``'all'`` (the nine), a group of ``OP_GROUPS``
            (``'spatial'``, ``'channel'``) or a list of op names (ablations); the
            sub-policies are their unordered pairs (36 for all nine).
        sampling: ``'host'`` or ``'device'`` (module doc); the fast runtime sets ``'device'``.
    """

    def __init__(self, temperature: float = 0.5, init_alpha: float = 1e-3,
                 init_prob: float = 0.5, init_magnitude: float = 0.5, seed: int = None,
                 apply_ops: bool = True, op_set: str = 'reference',
                 ops: Union[str, Sequence[str]] = 'all', sampling: str = 'host') -> None:
        super().__init__()
        if sampling not in SAMPLING:
            raise ConfigError(f'FeatureAugmenter: sampling must be one of {SAMPLING}, got '
                              f'{sampling!r}')
        self.sampling = sampling
        if not 0 < init_prob < 1 or not 0 <= init_magnitude <= 1 or temperature <= 0:
            raise ConfigError('FeatureAugmenter: need 0 < init_prob < 1, 0 <= init_magnitude <= '
                             f'1 and temperature > 0; got {init_prob}, {init_magnitude}, '
                             f'{temperature}')
        if op_set not in OP_SETS:
            raise ConfigError(f'FeatureAugmenter: op_set must be one of {sorted(OP_SETS)}, got '
                              f'{op_set!r}')
        self.op_set, self.ops = op_set, resolve_ops(ops)
        positions = [OP_NAMES.index(name) for name in self.ops]
        self.sub_policies = tuple(itertools.combinations(positions, 2))
        n = len(self.sub_policies)
        self.temperature, self.apply_ops = temperature, bool(apply_ops)
        self.alpha = nn.Parameter(torch.full((n, ), float(init_alpha)))
        self.prob = nn.Parameter(torch.full((n, 2), float(init_prob)))
        self.magnitude = nn.Parameter(torch.full((n, 2), float(init_magnitude)))
        self.control_variate = ControlVariate(n * 2 + n)
        self.seed = torch.initial_seed() if seed is None else int(seed)
        self.generator = torch.Generator()
        self.generator.manual_seed(self.seed)
        # For device sampling: op ids of each sub-policy and each op's range, moved with the
        # module (non-persistent: checkpoints are the same in both samplings).
        self.register_buffer('op_table', torch.tensor(self.sub_policies, dtype=torch.long),
                             persistent=False)
        self.register_buffer('op_ranges', op_ranges(op_set), persistent=False)
        self._device_generators: Dict[torch.device, torch.Generator] = {}
        self._draws = 0  # position when no runner reports one (a model used outside a run)
        self.sample: PolicySample = None

    # -- the distribution --------------------------------------------------------------------
    def op_names(self, sub_policy: int) -> tuple:
        return tuple(OP_NAMES[i] for i in self.sub_policies[sub_policy])

    def probabilities(self) -> torch.Tensor:
        return self.prob.clamp(EPS, 1 - EPS)

    def selection_probabilities(self) -> torch.Tensor:
        return torch.softmax(self.alpha, dim=0)

    def entropy(self) -> torch.Tensor:
        pi = self.selection_probabilities()
        return -(pi * torch.log(pi.clamp_min(1e-12))).sum()

    @torch.no_grad()
    def draw(self) -> PolicySample:
        """Draw the next sample (and keep it as ``self.sample``)."""
        if self.sampling == 'device':
            return self._draw_on_device()
        g = self.generator
        shape = self.prob.shape
        u_bern, v_bern = torch.rand(shape, generator=g), torch.rand(shape, generator=g)
        u_cat, v_cat = (torch.rand(len(self.sub_policies), generator=g).clamp(EPS, 1 - EPS)
                        for _ in range(2))
        u_bern, v_bern = u_bern.clamp(EPS, 1 - EPS), v_bern.clamp(EPS, 1 - EPS)
        p = self.probabilities().detach().cpu()
        logits = torch.log(p) - torch.log1p(-p)
        bits = (logits + torch.log(u_bern) - torch.log1p(-u_bern) > 0).float()
        log_pi = torch.log_softmax(self.alpha.detach().cpu(), 0)
        choice = int(torch.argmax(log_pi - torch.log(-torch.log(u_cat))))
        op_seed = int(torch.randint(0, 2**31 - 1, (1, ), generator=g))
        self.sample = PolicySample(choice, bits, u_bern, v_bern, u_cat, v_cat, op_seed)
        return self.sample

    def _device_generator(self, device: torch.device) -> torch.Generator:
        if device not in self._device_generators:
            self._device_generators[device] = torch.Generator(device=device)
        return self._device_generators[device]

    def _position(self) -> int:
        """The iteration the runner is at (restored on resume), else a count of draws."""
        iteration = MessageHub.get_current_instance().get_info('iter')
        if iteration is None:
            iteration, self._draws = self._draws, self._draws + 1
        return int(iteration)

    def _draw_on_device(self) -> PolicySample:
        """The draw of ``draw()`` made on the model's device, nothing read back."""
        dev = self.alpha.device
        seed = position_seed(self.seed, self._position())
        g = self._device_generator(dev).manual_seed(seed)
        shape, n = self.prob.shape, len(self.sub_policies)
        u_bern, v_bern = (torch.rand(shape, generator=g, device=dev).clamp(EPS, 1 - EPS)
                          for _ in range(2))
        u_cat, v_cat = (torch.rand(n, generator=g, device=dev).clamp(EPS, 1 - EPS)
                        for _ in range(2))
        p = self.probabilities().detach()
        logits = torch.log(p) - torch.log1p(-p)
        bits = (logits + torch.log(u_bern) - torch.log1p(-u_bern) > 0).float()
        log_pi = torch.log_softmax(self.alpha.detach(), 0)
        choice = torch.argmax(log_pi - torch.log(-torch.log(u_cat)))
        self.sample = PolicySample(choice, bits, u_bern, v_bern, u_cat, v_cat,
                                   position_seed(seed, 1))
        return self.sample

    # -- applying the sample -----------------------------------------------------------------
    def forward(self, feature: torch.Tensor, magnitude_grad: bool = False) -> torch.Tensor:
        """Augment ``feature`` with the current sample; with ``magnitude_grad`` the applied
        magnitudes receive the straight-through gradient (the value is unchanged)."""
        s = self.sample if self.sample is not None else self.draw()
        if not isinstance(s.choice, int):
            return self._forward_on_device(feature, s, magnitude_grad)
        op_gen = torch.Generator().manual_seed(s.op_seed)
        mags = self.magnitude.clamp(0, 1)
        # Pooled (B x C) features are augmented as B x C x 1 x 1 maps.
        out = feature if feature.dim() == 4 else feature.reshape(*feature.shape[:2], 1, 1)
        applied = []
        for k in s.applied_ops():
            name = OP_NAMES[self.sub_policies[s.choice][k]]
            if self.apply_ops:
                out = apply_op(name, out, float(mags[s.choice, k].detach()), op_gen,
                               self.op_set)
            applied.append(mags[s.choice, k])
        out = out.reshape(feature.shape)
        if magnitude_grad and applied:
            total = torch.stack(applied).sum().to(out.dtype)
            out = out + (total - total.detach())
        return out

    def _forward_on_device(self, feature: torch.Tensor, s: PolicySample,
                           magnitude_grad: bool) -> torch.Tensor:
        """``forward`` for a device sample: both op slots applied branch-free."""
        mags = _pick(self.magnitude.clamp(0, 1), s.choice)              # (2,)
        bits = _pick(s.bits, s.choice)                                  # (2,)
        out = feature if feature.dim() == 4 else feature.reshape(*feature.shape[:2], 1, 1)
        if self.apply_ops:
            gen = self._device_generator(out.device).manual_seed(s.op_seed)
            for op, magnitude, bit in zip(slot_ops(self.op_table, s.choice), mags, bits):
                out = apply_slot(out, op, magnitude, bit > 0, gen, self.op_set, self.op_ranges)
        out = out.reshape(feature.shape)
        if magnitude_grad:  # the applied magnitudes' sum; an op not applied adds 0 * m
            total = (mags * bits.to(mags.dtype)).sum().to(out.dtype)
            out = out + (total - total.detach())
        return out

    # -- RELAX --------------------------------------------------------------------------------
    def _relaxed(self, conditional: bool) -> torch.Tensor:
        """Relaxed sample z (or z~ given the drawn bits/choice) as a function of p and alpha."""
        s, t = self.sample, self.temperature
        dev = self.alpha.device
        p = self.probabilities()
        logit = torch.log(p) - torch.log1p(-p)
        if conditional:
            b, v = _on(s.bits, dev), _on(s.v_bern, dev)
            v = b * (v * p + 1 - p) + (1 - b) * v * (1 - p)
            v = v.clamp(EPS, 1 - EPS)
        else:
            v = _on(s.u_bern, dev)
        z_bern = logit + torch.log(v) - torch.log1p(-v)
        log_pi = torch.log_softmax(self.alpha, 0)
        if conditional:
            vc = _on(s.v_cat, dev)
            pi = log_pi.exp()
            log_vc = torch.log(vc)
            log_vc_chosen = _pick(log_vc, s.choice)
            z_other = -torch.log(-log_vc / pi - log_vc_chosen)
            if isinstance(s.choice, int):
                z_cat = z_other.clone()
                z_cat[s.choice] = -torch.log(-log_vc_chosen)
            else:
                chosen = torch.arange(len(z_other), device=dev) == s.choice
                z_cat = torch.where(chosen, -torch.log(-log_vc_chosen), z_other)
        else:
            z_cat = log_pi - torch.log(-torch.log(_on(s.u_cat, dev)))
        return torch.cat([torch.sigmoid(z_bern / t).flatten(), torch.softmax(z_cat / t, 0)])

    def log_prob(self) -> torch.Tensor:
        s = self.sample
        p = self.probabilities()
        b = _on(s.bits, p.device)
        bern = (b * torch.log(p) + (1 - b) * torch.log1p(-p)).sum()
        return bern + _pick(torch.log_softmax(self.alpha, 0), s.choice)

    def relax_gradients(self, objective: float, create_graph: bool = True) -> Dict:
        """RELAX estimates for ``prob`` and ``alpha`` of the current sample given the
        objective's value ``f(b, c)``, and the control variate's variance loss."""
        params = [self.prob, self.alpha]
        g_z = self.control_variate(self._relaxed(False))
        g_zt = self.control_variate(self._relaxed(True))
        d_logp = torch.autograd.grad(self.log_prob(), params)
        d_gz = torch.autograd.grad(g_z, params, create_graph=create_graph)
        d_gzt = torch.autograd.grad(g_zt, params, create_graph=create_graph)
        coef = objective - g_zt
        grads = [coef * dl + dz - dzt for dl, dz, dzt in zip(d_logp, d_gz, d_gzt)]
        variance = sum((g ** 2).mean() for g in grads)
        return dict(prob=grads[0], alpha=grads[1], variance=variance, d_log_prob=d_logp)

    # -- checkpointing of the sampling state ---------------------------------------------------
    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'generator_state'] = self.generator.get_state()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        key = prefix + 'generator_state'
        if key in state_dict:
            self.generator.set_state(state_dict[key].cpu())
        elif strict:
            missing_keys.append(key)
        super()._load_from_state_dict({k: v for k, v in state_dict.items() if k != key}, prefix,
                                      local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)
