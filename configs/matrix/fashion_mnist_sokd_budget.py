# SoKD as the budget grows: the ablation's protocol (ResNet20 teacher on the first 55,000
# Fashion-MNIST training images, ResNet8 students on the first 5,000, selection on the last
# 5,000 held out, the test set scored once) at student budgets of 10, 30 and 60 epochs, one seed
# each (configs/matrix/fashion_mnist_sokd_budget_seeds.py: 3 seeds at 60 epochs, same work dir).
#   python tools/run_matrix.py configs/matrix/fashion_mnist_sokd_budget.py --jobs 2 --fast
#   python tools/collect_results.py work_dirs/sokd_ablation_fashion_mnist --by-method \
#       --spec configs/matrix/fashion_mnist_sokd_budget.py
# Scaling rule, as the authors scale theirs: lr steps (x0.1) at 62.5 %, 75 % and 87.5 % of the
# run (the CIFAR recipe's 150/180/210 of 240), the SoKD search during the first 1/12 of it
# (their 20 of 240 epochs), rounded up: 1 epoch of 10, 3 of 30, 5 of 60.
# Compute (2-core x86_64 CPU, one thread per run, two at a time, --fast; a ResNet8 student step
# with its ResNet20 teacher at batch 64 takes about 0.26 s, a SoKD step about twice that during
# the search and 1.25x after it): per seed, the six methods cost about 0.35 CPU-h at 10 epochs,
# 1.0 at 30 and 2.1 at 60; this SPEC 3.5 CPU-h (1.8 h on 2 cores) plus the teacher it shares
# with the ablation (about 1 CPU-h if not trained yet); the 3-seed SPEC adds 4.2 CPU-h.
_base_ = ['./fashion_mnist_sokd_ablation.py']
seeds = [0]
BUDGETS = (10, 30, 60)
_ablation = _base_.methods


def _at(epochs: int, entry) -> dict:
    """A method entry of the ablation trained for ``epochs`` by the scaling rule."""
    entry = dict(config=entry) if isinstance(entry, str) else dict(entry)
    options = dict(entry.get('cfg_options', {}))
    options.update({
        'train_cfg.max_epochs': epochs,
        'train_cfg.val_interval': epochs,
        'param_scheduler.milestones': [round(epochs * f) for f in (0.625, 0.75, 0.875)],
        'default_hooks.checkpoint.interval': max(1, epochs // 6),
    })
    if 'model.search_epochs' in options:
        options['model.search_epochs'] = -(-epochs // 12)
    entry['cfg_options'] = options
    return entry


_live = dict(config='configs/sokd/sokd_fitnet_live_r20_r8_fashion_mnist.py',
             cfg_options={'model.search_epochs': 1})
_methods = dict(fitnet=_ablation['fitnet'], sokd_fitnet=_ablation['sokd_fitnet'],
                kd=_ablation['kd'], sokd_kd=_ablation['sokd_kd'],
                sokd_plus_kd='configs/sokd/sokd_plus_kd_r20_r8_fashion_mnist.py',
                sokd_fitnet_live=_live)
pairs = [dict(teacher='resnet20', student='resnet8', methods={
    f'{name}_{epochs}e': _at(epochs, entry)
    for epochs in BUDGETS for name, entry in _methods.items()})]
