"""Pictures of what SoKD transferred: per test image, the teacher's hint feature before and
after the learned augmentation, the DAM heatmaps of student and refined teacher with their
areas, and the area mask; and the learned policy as charts."""
import os
import os.path as osp
from typing import Dict, List, Optional

import torch
from mmengine.config import Config


def load_sokd_model(config: str, checkpoint: str, cfg_options: Optional[Dict] = None):
    """Build the SoKD algorithm of ``config`` and load every weight (student, teacher,
    connectors, DAMs, policy) from a training checkpoint of it."""
    from mmengine.registry import DefaultScope
    from mmengine.runner.checkpoint import CheckpointLoader
    from mmrazor.registry import MODELS

    from sokd_mm.models.algorithms import builds_sokd, extract_state_dict
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model_cfg = cfg.model
    model_cfg.pop('_scope_', None)
    model_cfg.update(teacher_ckpt=None, teacher_from_checkpoint=True)
    if not builds_sokd(model_cfg):
        raise ValueError(f'{config} is not a SoKD config (model.type={model_cfg.get("type")!r}).')
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(model_cfg)
    if 'data_preprocessor' in cfg:
        with DefaultScope.overwrite_default_scope('mmrazor'):
            model.data_preprocessor = MODELS.build(cfg.data_preprocessor)
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'Checkpoint {checkpoint} not found.')
    state = extract_state_dict(CheckpointLoader.load_checkpoint(checkpoint, 'cpu'), checkpoint)
    model.load_state_dict(state, strict=True)
    model.eval()  # mmrazor's train() override returns None, so no chaining
    return model, cfg


@torch.no_grad()
def sokd_views(model, batch: Dict) -> List[Dict]:
    """For each hint with a detector: raw and refined teacher features, DAM heatmaps, areas
    and the diagnostics that tell a working DAM from a collapsed one."""
    from sokd_mm.models.distillers.sokd import area_mask
    data = model.data_preprocessor(batch, False)
    inputs, samples = data['inputs'], data['data_samples']
    model._teacher_pass(inputs, samples)
    model.distiller.set_deliveries_override(True)
    with model.distiller.student_recorders, model.distiller.deliveries:
        model.student(inputs, samples, mode='tensor')
    views = []
    for name in model.distiller.hints:
        student, teacher = model.distiller.hint_features(name)
        dam = model.distiller.dams[name]
        if not hasattr(dam, 'heatmap_head'):
            continue  # the DAM-off ablation: nothing is detected
        refined, ops = teacher, []
        if name in model.distiller.augmenters:
            augmenter = model.distiller.augmenters[name]
            sample = augmenter.draw()
            refined = augmenter(teacher)
            ops = [applied_op_label(augmenter, sample.choice, k) for k in sample.applied_ops()]
        # how much the ops changed the feature: the magnitudes map to values around the
        # identity (m = 0.5 is a 0-degree Rotate), so the picture alone can look unchanged
        change = float((refined - teacher).abs().mean() / teacher.abs().mean().clamp_min(1e-12))
        out_s, out_t = dam(student), dam(refined)
        terms = dam.losses(student, refined)
        views.append(dict(
            name=name, teacher=teacher, refined=refined, student=student, ops=ops,
            change=change if ops else 0.0,
            diagnostics={k: float(v) for k, v in terms['diagnostics'].items()},
            heat_s=out_s['heatmap'].max(1).values, heat_t=out_t['heatmap'].max(1).values,
            mask_s=terms['mask'][:, 0],
            mask_t=area_mask(out_t['heatmap'], out_t['wh'], out_t['offset'], dam.topk,
                             getattr(dam, 'box_rule', 'ours'))[:, 0]))
    return views


def applied_op_label(augmenter, choice: int, k: int) -> str:
    """'Rotate -3.2': the op in position ``k`` of sub-policy ``choice`` and the value its
    learned magnitude maps to (degrees, a fraction of the map, a probability ...)."""
    from sokd_mm.models.distillers.sokd.feature_ops import OP_SETS
    name = augmenter.op_names(choice)[k]
    _, low, high = OP_SETS[augmenter.op_set][name]
    magnitude = float(augmenter.magnitude.clamp(0, 1)[choice, k])
    return f'{name} {low + magnitude * (high - low):+.3g}'


def diagnosis(diagnostics: Dict[str, float]) -> str:
    """One line saying whether the DAM detects anything (see ``dam_diagnostics``)."""
    text = (f"heatmap dead {diagnostics['dead']:.0%}, spatial std {diagnostics['hm_std']:.3f}, "
            f"areas at the first k positions {diagnostics['first_k']:.0%}")
    if diagnostics['first_k'] > 0.99 or diagnostics['dead'] > 0.99 \
            or diagnostics['hm_std'] < 1e-6:
        return text + ': COLLAPSED (flat heatmap; the areas are a fixed top-row strip)'
    return text + ': alive'


def draw_images(batch: Dict, views: List[Dict], out_dir: str) -> List[str]:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    paths = []
    images = batch['inputs']
    for view in views:
        n = len(images)
        fig, axes = plt.subplots(n, 6, figsize=(15, 2.4 * n + 0.8), squeeze=False)
        titles = ['image', 'teacher feature\n(mean |F_t| over channels)',
                  'refined teacher\n(' + (' + '.join(view['ops']) or 'no op applied')
                  + f", changed {view['change']:.1%})",
                  'student DAM heatmap\n(max over K)', 'refined-teacher DAM\nheatmap',
                  'area mask M\n(boxes overlapping)']
        for i in range(n):
            img = images[i].permute(1, 2, 0).numpy()
            row = [img, view['teacher'][i].abs().mean(0), view['refined'][i].abs().mean(0),
                   view['heat_s'][i], view['heat_t'][i], view['mask_s'][i]]
            for j, (ax, data) in enumerate(zip(axes[i], row)):
                shown = ax.imshow(data, cmap=None if j == 0 else
                                  ('magma' if j < 3 else 'viridis'))
                if j > 0:
                    fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03)
                if j in (3, 4):
                    mask = view['mask_s' if j == 3 else 'mask_t'][i]
                    ax.contour(mask.numpy() > 0, levels=[0.5], colors='white', linewidths=1)
                ax.set_xticks([])
                ax.set_yticks([])
                if i == 0:
                    ax.set_title(titles[j], fontsize=9)
        fig.legend(handles=[Line2D([], [], color='white', marker='s', markeredgecolor='black',
                                   linestyle='-', label='selected areas (top-k boxes)')],
                   loc='lower center', fontsize=8, facecolor='gray')
        fig.suptitle(f"SoKD hint '{view['name']}': where the student is taught\n"
                     f"DAM: {diagnosis(view['diagnostics'])}", fontsize=10)
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        path = osp.join(out_dir, f"sokd_areas_{view['name']}.png")
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(path)
    return paths


def draw_policy(model, out_dir: str) -> List[str]:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    paths = []
    for name, augmenter in model.distiller.augmenters.items():
        pi = augmenter.selection_probabilities().detach()
        prob = augmenter.probabilities().detach()
        mag = augmenter.magnitude.detach().clamp(0, 1)
        labels = [' + '.join(augmenter.op_names(i)) for i in range(len(augmenter.sub_policies))]
        order = torch.argsort(pi, descending=True)
        fig, (left, right) = plt.subplots(1, 2, figsize=(13, 9), sharey=True)
        y = range(len(order))
        left.barh(y, pi[order].numpy(), color='tab:blue')
        left.axvline(1 / len(augmenter.sub_policies), color='gray', ls='--', lw=1, label='uniform')
        left.set_yticks(list(y))
        left.set_yticklabels([labels[i] for i in order], fontsize=7)
        left.invert_yaxis()
        left.set_xlabel('selection probability softmax(alpha)')
        left.legend(fontsize=8)
        h = 0.2
        for k, (values, label, color) in enumerate((
                (prob[order, 0], 'p (1st op)', 'tab:green'),
                (mag[order, 0], 'm (1st op)', 'tab:olive'),
                (prob[order, 1], 'p (2nd op)', 'tab:red'),
                (mag[order, 1], 'm (2nd op)', 'tab:pink'))):
            right.barh([i + (k - 1.5) * h for i in y], values.numpy(), height=h, label=label,
                       color=color)
        right.axvline(0.5, color='gray', ls='--', lw=1)
        right.set_xlim(0, 1)
        right.set_xlabel('application probability p / magnitude m (init 0.5)')
        right.legend(fontsize=8, loc='lower right')
        fig.suptitle(f"Learned feature-augmentation policy of hint '{name}' "
                     f'(entropy {float(augmenter.entropy().detach()):.3f} nats)', fontsize=11)
        fig.tight_layout()
        path = osp.join(out_dir, f'sokd_policy_{name}.png')
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(path)
    return paths


def visualize_sokd(config: str, checkpoint: str, out_dir: str, num_images: int = 4,
                   cfg_options: Optional[Dict] = None) -> List[str]:
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import DATASETS
    model, cfg = load_sokd_model(config, checkpoint, cfg_options)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
    batch = pseudo_collate([dataset[i] for i in range(min(num_images, len(dataset)))])
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    return draw_images(batch, sokd_views(model, batch), out_dir) + draw_policy(model, out_dir)
