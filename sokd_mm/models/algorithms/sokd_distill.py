"""SoKD's training step: search the feature-augmentation policy, then train the student.

During the first ``search_epochs`` epochs, every iteration first updates the policy (the
augmenters' ``alpha``, ``p``, ``m`` and control variates, by its own optimizer ``policy``) to
lower the student's loss *after* a virtual student step (DARTS, docs/en/methods.md 2.1a)::

    theta'  = theta - eta * (mu * momentum + dL/dtheta + wd * theta)
    grad_pi = d f(theta')/d pi - eta * [dL(theta + R g')/d pi - dL(theta - R g')/d pi] / (2R)
    g' = d f(theta')/d theta,  R = 0.01 / |g'|,  f = L = the student's whole objective

with ``d/d pi`` by autograd for the magnitudes (straight-through) and by RELAX for ``p`` and
``alpha`` (``search='second_order'``); ``search='first_order'`` uses ``d L(theta)/d pi``
alone. ``search='reference'`` reproduces what the authors' code runs: a virtual step with no
momentum and weight decay 1e-4, and a policy gradient made of the finite-difference term
alone, without its factor eta::

    theta'  = theta - eta * (dL/dtheta + 1e-4 * theta)
    grad_pi = - [dL(theta + R g')/d pi - dL(theta - R g')/d pi] / (2R) Virtual students are
evaluated functionally (``torch.func.functional_call``) with copied BN buffers: the optimizer
and model are never copied and running statistics are not disturbed. Then the usual student
step runs with the ``student`` optimizer. After the search the policy is frozen, but a
sub-policy is still drawn every iteration. The teacher never changes.
"""
from typing import Dict, List, Optional

import torch
from mmengine.logging import MessageHub, print_log
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmrazor.models.utils import add_prefix
from torch.func import functional_call

from ..distillers.sokd import SoKDConfigError, SoKDDistiller
from .strict_teacher_distill import StrictTeacherDistill
from sokd_mm.registry import DISTILL_MODELS, DISTILL_WRAPPERS


SEARCH_MODES = ('reference', 'second_order', 'first_order')
# The authors' virtual step uses weight decay 1e-4 whatever the student's optimizer says.
REFERENCE_VIRTUAL_WEIGHT_DECAY = 1e-4


@DISTILL_MODELS.register_module()
class SoKDDistill(StrictTeacherDistill):
    """Args:
        search_epochs: epochs of policy search (20; the reference uses 50 for
            ResNet32x4 -> ResNet8x4). 0 disables the search (fixed initial policy).
        search: ``'reference'`` (the authors' virtual step, see above; the default),
            ``'second_order'`` (standard DARTS) or ``'first_order'``.
        virtual_lr: eta of the virtual step (0.01).
        fd_step: numerator of R = fd_step / |g'| (0.01).
        Everything else as ``StrictTeacherDistill``; ``distiller`` must be a SoKDDistiller.
    """

    def __init__(self, search_epochs: int = 20, search: str = 'reference',
                 virtual_lr: float = 0.01, fd_step: float = 0.01, **kwargs) -> None:
        distiller = kwargs.get('distiller')
        if isinstance(distiller, dict) and distiller.get('num_classes') is None:
            # The reference DAM's heatmap has one channel per class: the student head's.
            head = (kwargs.get('architecture') or {}).get('head') or {}
            if isinstance(head, dict) and head.get('num_classes') is not None:
                kwargs['distiller'] = dict(distiller, num_classes=head['num_classes'])
        super().__init__(**kwargs)
        if not isinstance(self.distiller, SoKDDistiller):
            raise SoKDConfigError("SoKDDistill needs distiller=dict(type='SoKDDistiller', ...)")
        if search not in SEARCH_MODES:
            raise SoKDConfigError(f'SoKDDistill: search must be one of {SEARCH_MODES}, '
                                  f'got {search!r}')
        if isinstance(search_epochs, bool) or not isinstance(search_epochs, int) \
                or search_epochs < 0:
            raise SoKDConfigError(f'SoKDDistill: search_epochs must be an integer >= 0, got '
                                  f'{search_epochs!r}')
        self.search_epochs, self.search = search_epochs, search
        self.virtual_lr, self.fd_step = float(virtual_lr), float(fd_step)
        self._checked_schedule = False
        # The search step records the teacher's features of the batch; the student step that
        # follows reuses them instead of running the (frozen) teacher again.
        self._teacher_recorded = False

    def prepare_device_loop(self) -> List[str]:
        """Asked by ``DeviceResidentTrainLoop`` (``--fast``) before training: the augmenters
        draw their operations on the device (no host read per step). Returns what to log."""
        augmenters = list(self.distiller.augmenters.values())
        for augmenter in augmenters:
            augmenter.sampling = 'device'
        return [f"{len(augmenters)} SoKD augmenter(s) draw on the device (sampling='device')."]

    # -- pieces of the objective -------------------------------------------------------------
    def policy_parameters(self) -> List[torch.nn.Parameter]:
        return list(self.distiller.augmenters.parameters())

    def _teacher_pass(self, inputs, data_samples) -> None:
        self.run_frozen_teacher(inputs, data_samples)

    def _student_objective(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """The student's losses given the teacher features recorded last."""
        self.distiller.set_deliveries_override(True)
        with self.distiller.student_recorders, self.distiller.deliveries:
            student = self.student(inputs, data_samples, mode='loss')
        losses = add_prefix(self.scale_student_losses(student), 'student')
        losses.update(add_prefix(self.distiller.compute_distill_losses(), 'distill'))
        return losses

    def loss(self, inputs, data_samples=None) -> Dict[str, torch.Tensor]:
        if not self._teacher_recorded:
            self._teacher_pass(inputs, data_samples)
        self._teacher_recorded = False
        return self._student_objective(inputs, data_samples)

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'student_objective':  # entry point of functional_call for virtual students
            return self._student_objective(inputs, data_samples)
        return super().forward(inputs, data_samples, mode)

    # -- the training step ---------------------------------------------------------------------
    def _split_wrappers(self, optim_wrapper):
        if isinstance(optim_wrapper, OptimWrapperDict):
            keys = list(optim_wrapper.keys())
            if 'student' not in keys:
                raise SoKDConfigError(f'SoKD optim_wrapper has {keys}; it needs "student" (and '
                                      '"policy" for the search): see configs/_base_/sokd.py')
            return optim_wrapper['student'], (optim_wrapper['policy'] if 'policy' in keys else None)
        return optim_wrapper, None

    def _is_searching(self, policy_wrapper) -> bool:
        hub = MessageHub.get_current_instance()
        epoch, max_epochs = hub.get_info('epoch', 0), hub.get_info('max_epochs')
        if not self._checked_schedule:
            self._checked_schedule = True
            if self.search_epochs > 0 and not len(self.distiller.augmenters):
                raise SoKDConfigError(
                    f'search_epochs={self.search_epochs} but no hint has an augmenter (the '
                    'augmentation is off): set model.search_epochs=0.')
            if self.search_epochs > 0 and policy_wrapper is None:
                raise SoKDConfigError(
                    f'search_epochs={self.search_epochs} but the config has no policy '
                    "optimizer: use optim_wrapper=dict(constructor='SoKDOptimWrapperConstructor'"
                    ', student=dict(...), policy=dict(...)) or set model.search_epochs=0.')
            if max_epochs is not None and self.search_epochs > max_epochs:
                print_log(f'SoKD: search_epochs={self.search_epochs} exceeds max_epochs='
                          f'{max_epochs}: the policy is searched for the whole run.',
                          logger='current', level=30)
        return epoch < self.search_epochs

    def train_step(self, data, optim_wrapper, ddp: Optional[MMDistributedDataParallel] = None):
        student_wrapper, policy_wrapper = self._split_wrappers(optim_wrapper)
        searching = self._is_searching(policy_wrapper)
        data = self.data_preprocessor(data, True)
        self.distiller.draw_policies()
        log_vars = {}
        if searching:
            log_vars = self._search_step(data['inputs'], data['data_samples'], student_wrapper,
                                         policy_wrapper)
        with student_wrapper.optim_context(self):
            losses = (ddp or self)(**data, mode='loss')
        parsed, student_log = self.parse_losses(losses)
        student_wrapper.update_params(parsed)
        student_log.update(log_vars)
        return student_log

    # -- the policy search ----------------------------------------------------------------------
    def _student_state(self, student_wrapper: OptimWrapper):
        """Names and tensors of the student-side parameters (those of the student optimizer)
        and buffers (each virtual evaluation works on copies of the buffers)."""
        trained = {id(p) for g in student_wrapper.optimizer.param_groups for p in g['params']}
        params = {n: p for n, p in self.named_parameters() if id(p) in trained}
        buffers = {n: b for n, b in self.named_buffers() if not n.startswith('teacher.')}
        return params, buffers

    def _objective_at(self, inputs, data_samples, params: Dict, buffers: Dict,
                      magnitude_grad: bool = True) -> torch.Tensor:
        """The student's objective at ``params`` (the module's own where left out);
        ``magnitude_grad``: whether the magnitudes get gradients through it (the value is
        the same either way; without, the refined teacher feature needs no gradient and the
        DAM skips its teacher half's input gradient)."""
        self.distiller.magnitude_grad = magnitude_grad
        losses = functional_call(self, {**params, **{k: v.clone() for k, v in buffers.items()}},
                                 (inputs, data_samples), dict(mode='student_objective'))
        return sum(v for k, v in losses.items() if 'loss' in k)

    def _virtual_step(self, params: Dict, grads, student_wrapper: OptimWrapper) -> Dict:
        """theta' = theta - eta (mu * momentum buffer + grad + wd * theta), functionally; in the
        reference mode without momentum and with wd = 1e-4."""
        reference = self.search == 'reference'
        out = {}
        groups = {id(p): g for g in student_wrapper.optimizer.param_groups for p in g['params']}
        state = student_wrapper.optimizer.state
        for (name, p), g in zip(params.items(), grads):
            group = groups[id(p)]
            decay = REFERENCE_VIRTUAL_WEIGHT_DECAY if reference else group.get('weight_decay', 0.0)
            step = g + decay * p.detach()
            buf = state.get(p, {}).get('momentum_buffer')
            if buf is not None and not reference:
                step = step + group.get('momentum', 0.0) * buf
            out[name] = (p.detach() - self.virtual_lr * step).requires_grad_(True)
        return out

    def _search_step(self, inputs, data_samples, student_wrapper, policy_wrapper) -> Dict:
        distiller = self.distiller
        augmenters = list(distiller.augmenters.values())
        magnitudes = [a.magnitude for a in augmenters]
        self._teacher_pass(inputs, data_samples)
        self._teacher_recorded = True
        params, buffers = self._student_state(student_wrapper)
        # Each evaluation differentiates the magnitudes only where its gradient is used: not
        # at theta (only d/dtheta), nor at theta' in the reference mode (its policy gradient
        # is the finite-difference term alone).
        reference = self.search == 'reference'
        distiller.diagnostics = False
        try:
            if self.search == 'first_order':
                f = self._objective_at(inputs, data_samples, {}, buffers)
                mag_grads = _grads_or_zeros(f, magnitudes)
                extra = [None] * len(augmenters)
            else:
                loss = self._objective_at(inputs, data_samples, {}, buffers,
                                          magnitude_grad=False)
                theta_grads = _grads_or_zeros(loss, list(params.values()))
                virtual = self._virtual_step(params, theta_grads, student_wrapper)
                f = self._objective_at(inputs, data_samples, virtual, buffers,
                                       magnitude_grad=not reference)
                grads = _grads_or_zeros(f, list(virtual.values()) + magnitudes)
                g_virtual, mag_grads = grads[:len(virtual)], grads[len(virtual):]
                norm = torch.sqrt(sum((g ** 2).sum() for g in g_virtual)).clamp_min(1e-12)
                radius = self.fd_step / norm
                finite = []
                for sign in (1.0, -1.0):
                    shifted = {n: p.detach() + sign * radius * g
                               for (n, p), g in zip(params.items(), g_virtual)}
                    value = self._objective_at(inputs, data_samples, shifted, buffers)
                    finite.append((value.detach(), _grads_or_zeros(value, magnitudes)))
                (f_plus, m_plus), (f_minus, m_minus) = finite
                if reference:  # finite-difference term alone, no eta
                    scale = 1.0 / (2 * radius)
                    mag_grads = [-scale * (gp - gm) for gp, gm in zip(m_plus, m_minus)]
                else:
                    scale = self.virtual_lr / (2 * radius)
                    mag_grads = [g - scale * (gp - gm)
                                 for g, gp, gm in zip(mag_grads, m_plus, m_minus)]
                extra = [scale * (f_plus - f_minus)] * len(augmenters)
        finally:
            distiller.magnitude_grad, distiller.diagnostics = False, True
        value = f.detach()
        variance = value.new_zeros(())  # a tensor: a float() here would wait for the device
        policy_wrapper.zero_grad()
        for augmenter, mag_grad, fd in zip(augmenters, mag_grads, extra):
            relax = augmenter.relax_gradients(value)
            prob_grad, alpha_grad = relax['prob'].detach(), relax['alpha'].detach()
            if self.search == 'reference':  # only the finite-difference score-function term
                prob_grad, alpha_grad = torch.zeros_like(prob_grad), torch.zeros_like(alpha_grad)
            if fd is not None:  # second-order correction of the score-function part
                prob_grad = prob_grad - fd * relax['d_log_prob'][0]
                alpha_grad = alpha_grad - fd * relax['d_log_prob'][1]
            cv_params = list(augmenter.control_variate.parameters())
            cv_grads = torch.autograd.grad(relax['variance'], cv_params)
            augmenter.magnitude.grad = mag_grad.detach()
            augmenter.prob.grad, augmenter.alpha.grad = prob_grad, alpha_grad
            for p, g in zip(cv_params, cv_grads):
                p.grad = g.detach()
            variance = variance + relax['variance'].detach()
        _average_gradients_across_ranks(self.policy_parameters())
        policy_wrapper.step()
        policy_wrapper.zero_grad()
        with torch.no_grad():  # keep probabilities and magnitudes in their ranges
            for augmenter in augmenters:
                augmenter.prob.clamp_(1e-6, 1 - 1e-6)
                augmenter.magnitude.clamp_(0, 1)
        entropy = torch.stack([a.entropy() for a in augmenters]).mean().detach()
        return {'policy_entropy': entropy, 'search_objective': value,
                'relax_variance': variance}


def _grads_or_zeros(output: torch.Tensor, inputs: List[torch.Tensor]) -> List[torch.Tensor]:
    """d output / d inputs, with zeros where an input does not reach the output (e.g. the
    magnitudes when the drawn sub-policy applies no op)."""
    if not output.requires_grad:
        return [torch.zeros_like(t) for t in inputs]
    grads = torch.autograd.grad(output, inputs, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g for t, g in zip(inputs, grads)]


def _average_gradients_across_ranks(params: List[torch.nn.Parameter]) -> None:
    from mmengine import dist
    if dist.get_world_size() <= 1:
        return
    for p in params:
        if p.grad is not None:
            dist.all_reduce(p.grad, op='mean')


@DISTILL_WRAPPERS.register_module()
class SoKDDDP(MMDistributedDataParallel):
    """DDP wrapper that runs SoKD's own train_step (search + student step); the student step's
    forward goes through DDP so that its gradients are synchronised, policy gradients are
    averaged across ranks by the search step. ``sync_bn=True``: CPU-capable synchronised BN
    (``sokd_mm.models.wrappers``)."""

    def __init__(self, module, sync_bn: bool = False, **kwargs) -> None:
        from sokd_mm.models.wrappers import convert_to_gloo_sync_bn
        super().__init__(module=convert_to_gloo_sync_bn(module) if sync_bn else module, **kwargs)

    def train_step(self, data, optim_wrapper):
        return self.module.train_step(data, optim_wrapper, ddp=self)


def builds_sokd(model_cfg) -> bool:
    """Whether a config's ``model`` builds SoKD (``SoKDDistill`` or a subclass of it),
    resolved through the registry rather than by how its ``type`` is spelt."""
    kind = model_cfg.get('type') if isinstance(model_cfg, dict) else None
    if isinstance(kind, str):
        try:
            kind = DISTILL_MODELS.get(kind)
        except Exception:  # noqa: BLE001  (an unknown scope prefix: not SoKD; the build says why)
            return False
    return isinstance(kind, type) and issubclass(kind, SoKDDistill)


def planned_search_epochs(model_cfg, epochs: int) -> int:
    """The SoKD search epochs a config's model will run within ``epochs`` (0 for a model that
    is not SoKD), with ``SoKDDistill``'s own default where the config leaves it out."""
    if not builds_sokd(model_cfg):
        return 0
    import inspect
    default = inspect.signature(SoKDDistill.__init__).parameters['search_epochs'].default
    return min(model_cfg.get('search_epochs', default), epochs)
