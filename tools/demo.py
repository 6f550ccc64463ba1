"""The quickstart (`make demo`): on the embedded digits dataset, train a standard and a SoTeacher
teacher, then distil students from them, and print the results table. Every run trains its
config for 10 epochs, the config's schedule scaled by the budget study's rule (lr steps at
62.5/75/87.5 % of the run, the SoKD search in its first 1/12, rounded up: 1 epoch). Runs go
two at a time (one CPU thread each, the fast runtime); finished runs are reused on a re-run,
an interrupted one resumes.

    python tools/demo.py [--work-dir work_dirs/demo] [--epochs N] [--seeds 0 1 2]
                         [--dataset digits|fashion-mnist] [--live-dam] [--jobs N]

``--seeds`` trains every student once per seed (the teachers once) and adds a mean +- std
table; ``--live-dam`` adds SoKD-KD and SoKD-FitNet with the live DAM; ``--dataset
fashion-mnist`` runs the same rows on Fashion-MNIST (the data must be present, see
docs/en/get_started.md "Data") at the CPU matrix's budget (10,000 images, 10 epochs)."""
import argparse
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import sokd_mm  # noqa: E402,F401
from sokd_mm.errors import SokdError  # noqa: E402
from sokd_mm.apis.pipeline import (RunSpec, results_table, run_pipeline,  # noqa: E402
                                   seed_table)

# Each dataset's plan: its configs trained for ``epochs`` (the digits configs' own schedule is
# 30 epochs) by the budget study's scaling rule (docs/en/sokd_budget.md), plus data options.
DATASETS = {
    'digits': dict(suffix='digits', epochs=10, options={}),
    'fashion-mnist': dict(suffix='fashion_mnist', epochs=10, options={
        'train_dataloader.dataset.indices': 10000}),
}


def scaled_schedule(epochs: int, searches: bool) -> dict:
    """Config options that train for ``epochs`` as the budget study scales the CIFAR recipe:
    lr steps (x0.1) at 62.5 %, 75 % and 87.5 % of the run, the SoKD search (``searches``: the
    config has one) during its first 1/12, rounded up."""
    options = {'train_cfg.max_epochs': epochs,
               'param_scheduler.milestones': [round(epochs * f) for f in (0.625, 0.75, 0.875)]}
    if searches:
        options['model.search_epochs'] = -(-epochs // 12)
    return options


TEACHERS = [('teacher_resnet20', 'vanilla/resnet20_{d}.py'),
            ('teacher_resnet20_soteacher', 'soteacher/soteacher_resnet20_{d}.py')]
# (run name, config, teacher run) of the students: the authors' SoKD on KD and FitNet, SoKD+
# (what the Fashion-MNIST ablation kept), and KD from the SoTeacher teacher. The student trained
# alone is not a row, to keep the demo short: `tools/train.py configs/vanilla/resnet8_digits.py`.
STUDENTS = [
    ('student_resnet8_kd', 'kd/kd_r20_r8_{d}.py', 'teacher_resnet20'),
    ('student_resnet8_fitnet', 'fitnet/fitnet_r20_r8_{d}.py', 'teacher_resnet20'),
    ('student_resnet8_sokd_fitnet', 'sokd/sokd_fitnet_r20_r8_{d}.py', 'teacher_resnet20'),
    ('student_resnet8_sokd_kd', 'sokd/sokd_kd_r20_r8_{d}.py', 'teacher_resnet20'),
    ('student_resnet8_sokd_plus_kd', 'sokd/sokd_plus_kd_r20_r8_{d}.py', 'teacher_resnet20'),
    ('student_resnet8_kd_from_soteacher', 'kd/kd_r20_r8_{d}.py', 'teacher_resnet20_soteacher'),
]
# --live-dam: SoKD with our LiveDistinctiveAreaModule as well.
LIVE_DAM = [
    ('student_resnet8_sokd_fitnet_live', 'sokd/sokd_fitnet_live_r20_r8_{d}.py',
     'teacher_resnet20'),
    ('student_resnet8_sokd_kd_live', 'sokd/sokd_kd_live_r20_r8_{d}.py', 'teacher_resnet20'),
]


def demo_specs(epochs: int = None, seeds=(0, ), dataset: str = 'digits',
               data_root: str = None, live_dam: bool = False, fast: bool = True) -> list:
    """The demo's runs: two teachers, then every student once per seed; ``epochs``: each
    run's budget (default: the dataset's, ``DATASETS``), validated every epoch when given."""
    from mmengine.config import Config

    from sokd_mm.models.algorithms import planned_search_epochs
    d = DATASETS[dataset]['suffix']
    budget = epochs or DATASETS[dataset]['epochs']

    def cfg(path: str) -> str:
        return osp.join(REPO, 'configs', path.format(d=d))

    opts = dict(DATASETS[dataset]['options'])
    if epochs is not None:
        opts['train_cfg.val_interval'] = 1
    opts['default_hooks.logger.interval'] = 10
    if data_root:
        opts.update({f'{loader}.dataset.data_root': data_root for loader in (
            'train_dataloader', 'val_dataloader', 'test_dataloader')})

    def options(config: str, **extra) -> dict:
        searches = planned_search_epochs(Config.fromfile(config).model, budget) > 0
        return dict(opts, **scaled_schedule(budget, searches), **extra)

    specs = [RunSpec(name, cfg(config), 'teacher', options=options(cfg(config)), fast=fast)
             for name, config in TEACHERS]
    students = STUDENTS + (LIVE_DAM if live_dam else [])
    for seed in seeds:
        # Seed 0 keeps the plain run names, so a 1-seed demo and a 3-seed one share those runs.
        suffix = '' if seed == 0 else f'_seed{seed}'
        specs += [RunSpec(name + suffix, cfg(config), 'student', teacher_from=teacher,
                          options=options(cfg(config), **{'randomness.seed': seed}), fast=fast)
                  for name, config, teacher in students]
    return specs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', help='default: work_dirs/demo (digits) or '
                        'work_dirs/demo_fashion_mnist')
    parser.add_argument('--epochs', type=int,
                        help='every run\'s budget, its schedule scaled to it (default: 10 on '
                        'the digits, 10 on Fashion-MNIST)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='train every student once per seed (default: 0)')
    parser.add_argument('--dataset', choices=sorted(DATASETS), default='digits')
    parser.add_argument('--live-dam', action='store_true',
                        help='also SoKD-KD and SoKD-FitNet with the live DAM (two more runs)')
    parser.add_argument('--jobs', type=int, default=2,
                        help='runs at once, the CPU threads shared out among them (default 2)')
    parser.add_argument('--standard-runtime', action='store_true',
                        help='train without the fast runtime (dataloader workers, per-step '
                        'host reads)')
    parser.add_argument('--verbose', action='store_true',
                        help="MMEngine's full log (config, environment, every logged "
                        'iteration) on the console and in each run\'s log file')
    parser.add_argument('--data-root', help='Fashion-MNIST folder (default: data/fashion-mnist, '
                        'else Debian\'s /usr/share/datasets/fashion-mnist)')
    args = parser.parse_args(argv)
    work_dir = args.work_dir or osp.join(
        'work_dirs', 'demo' if args.dataset == 'digits' else 'demo_fashion_mnist')
    start = time.time()
    if args.data_root and args.dataset == 'digits':
        parser.error('--data-root applies to --dataset fashion-mnist (the digits are embedded)')
    try:
        results = run_pipeline(demo_specs(args.epochs, args.seeds, args.dataset,
                                          args.data_root, args.live_dam,
                                          not args.standard_runtime),
                               work_dir, args.verbose, jobs=args.jobs)
    except SokdError as error:  # e.g. a run dir of other settings: the message says what to do
        raise SystemExit(f'Error: {error}') from None
    print('\n' + results_table(results))
    if len(args.seeds) > 1:
        print('\n' + seed_table(results))
    print(f'\nDone in {time.time() - start:.0f} s. Results: {work_dir}/results.md, '
          f'{work_dir}/results.json; logs and checkpoints in {work_dir}/<run>/.')


if __name__ == '__main__':
    main()
