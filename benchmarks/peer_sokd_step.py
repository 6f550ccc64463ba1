"""Our FitNet and SoKD steps against the SoKD authors' code (their mdistiller fork, where SoKD is
"DFKD"), ResNet56 -> ResNet20, batch 64, the same weights and batch on both sides:

    ours                                theirs
    FitNet step                         FitNet under their ``BaseTrainer.train_iter``
    SoKD step after the search          DFKD under ``DFKDTrainer.train_iter``, epoch > SERACH_EPOCH
    SoKD search step (reference mode)   the same during the search: ``Architect.step`` + step

Their side runs their own files: ``DFKDTrainer.train_iter`` / ``BaseTrainer.train_iter`` with
the ``Architect`` of ``engine/dfkd_utils.py``, configured by their ``engine/cfg.py`` defaults and
``configs/DFKD/cifar/epoch480/res56_20.yaml``. Their code calls ``.cuda()`` throughout; on a
CPU-only machine those calls are made no-ops. Imports their trainer needs but never calls
(``yacs``, ``tensorboardX``, ``tqdm``) get minimal stand-ins when not installed. Their package
``__init__`` files (which import every distiller and dataset) are bypassed.

Steps are interleaved in rounds so that machine noise hits all variants alike; each variant's
wall and CPU-time medians are the medians of its round medians. Both sides draw their
augmentation sub-policy at random each step, so a median mixes the ops' costs alike. FLOPs per
step (convolutions and matrix products, ``torch.utils.flop_counter``) are averaged over a few
steps. This is a benchmark, not a test: it needs a checkout of their repository.

    git clone https://github.com/FabienCode/mdistiller /path/to/FabienCode-mdistiller
    python benchmarks/peer_sokd_step.py --ref /path/to/FabienCode-mdistiller \\
        [--steps 30] [--warmup 3] [--threads 1] [--out benchmarks/results/peer_sokd_step.json]
"""
import argparse
import copy
import os.path as osp
import random
import sys
import types
from typing import Callable, Dict, Tuple

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import torch  # noqa: E402

from benchmarks.common import machine, time_steps, write_json  # noqa: E402
from benchmarks.sokd_step import build as build_ours  # noqa: E402
from benchmarks.sokd_step import host_waits_and_flops, train_step  # noqa: E402

# name: (our variant in benchmarks/sokd_step.py, their trainer, epoch given to it)
PAIRS = {
    'fitnet': ('fitnet', 'base', 1),
    'sokd_after_search': ('sokd_after_search', 'dfkd', 21),
    'sokd_search': ('sokd_search_reference', 'dfkd', 1),
}
# ours / theirs, wall-time median (issue 32).
TARGETS = {'sokd_after_search': 0.90, 'sokd_search': 0.60}
DFKD_YAML = 'configs/DFKD/cifar/epoch480/res56_20.yaml'
CIFAR_MEAN, CIFAR_STD = (0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)


class _CfgNode(dict):
    """Stand-in for ``yacs.config.CfgNode``: attribute access and YAML merging, all their
    ``cfg.py`` and the DFKD code use."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc

    def __setattr__(self, key, value):
        self[key] = value

    def merge_from_file(self, path: str) -> None:
        import yaml
        with open(path) as f:
            self._merge(yaml.safe_load(f))

    def _merge(self, other: Dict) -> None:
        for key, value in other.items():
            if isinstance(value, dict):
                self[key]._merge(value)
            else:
                self[key] = tuple(value) if isinstance(self.get(key), tuple) else value

    def clone(self) -> '_CfgNode':
        return copy.deepcopy(self)

    def freeze(self) -> None:
        pass


def _stand_in(name: str, **attrs) -> None:
    try:
        __import__(name)
    except ImportError:
        parts = name.split('.')
        for i in range(1, len(parts) + 1):
            sys.modules.setdefault('.'.join(parts[:i]), types.ModuleType('.'.join(parts[:i])))
        for key, value in attrs.items():
            setattr(sys.modules[name], key, value)


def load_reference(ref: str) -> Dict:
    """Import their trainer, distillers, models and config from the checkout ``ref``."""
    if not osp.isfile(osp.join(ref, 'mdistiller', 'distillers', 'DFKD.py')):
        raise SystemExit(f'Error: {ref} is not a checkout of FabienCode/mdistiller (no '
                         'mdistiller/distillers/DFKD.py); clone it and pass its path as --ref.')
    _stand_in('yacs.config', CfgNode=_CfgNode)
    _stand_in('tensorboardX', SummaryWriter=object)
    _stand_in('tqdm', tqdm=lambda *a, **k: None)
    for name in ('mdistiller', 'mdistiller.distillers', 'mdistiller.engine'):
        package = types.ModuleType(name)
        package.__path__ = [osp.join(ref, *name.split('.'))]
        sys.modules[name] = package
    if not torch.cuda.is_available():
        torch.Tensor.cuda = lambda self, *args, **kwargs: self
        torch.nn.Module.cuda = lambda self, *args, **kwargs: self
    from mdistiller.distillers.DFKD import DFKD
    from mdistiller.distillers.FitNet import FitNet
    from mdistiller.engine.cfg import CFG
    from mdistiller.engine.dfkd_utils import Architect
    from mdistiller.engine.trainer import BaseTrainer, DFKDTrainer
    from mdistiller.engine.utils import AverageMeter
    from mdistiller.models import cifar_model_dict
    cfg = CFG.clone()
    cfg.merge_from_file(osp.join(ref, DFKD_YAML))
    return dict(cfg=cfg, DFKD=DFKD, FitNet=FitNet, Architect=Architect, BaseTrainer=BaseTrainer,
                DFKDTrainer=DFKDTrainer, AverageMeter=AverageMeter, models=cifar_model_dict)


def their_step(lib: Dict, trainer: str, epoch: int, batch, seed: int = 0) -> Tuple:
    """One of their training iterations as their trainer runs it (a callable) and their
    distiller."""
    cfg, models = lib['cfg'], lib['models']
    random.seed(seed)
    torch.manual_seed(seed)
    student = models[cfg.DISTILLER.STUDENT][0](num_classes=100)
    teacher = models[cfg.DISTILLER.TEACHER][0](num_classes=100)
    core = (lib['DFKD'] if trainer == 'dfkd' else lib['FitNet'])(student, teacher, cfg)
    distiller = torch.nn.DataParallel(core.cuda())  # as their tools/train.py wraps it
    # Their trainers' __init__ opens log directories and a SummaryWriter; the step needs only
    # the distiller, the optimizer (their init_optimizer), the config and the Architect.
    trainer_cls = lib['DFKDTrainer'] if trainer == 'dfkd' else lib['BaseTrainer']
    runner = trainer_cls.__new__(trainer_cls)
    runner.cfg, runner.distiller = cfg, distiller
    runner.optimizer = lib['BaseTrainer'].init_optimizer(runner, cfg)
    if trainer == 'dfkd':
        runner.architect = lib['Architect'](distiller, cfg)
    distiller.train()
    meters = {k: lib['AverageMeter']() for k in ('training_time', 'data_time', 'losses',
                                                   'loss_ce', 'top1', 'top5')}

    def step():
        runner.train_iter(batch, epoch, meters)

    return step, distiller.module


def make_batch(seed: int = 0):
    """One batch: uint8 images with labels for us (our data preprocessor normalises them) and
    the same images normalised to float for them (their loader hands those)."""
    from mmpretrain.structures import DataSample
    gen = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (64, 3, 32, 32), dtype=torch.uint8, generator=gen)
    labels = torch.arange(64) % 100
    ours = dict(inputs=images, data_samples=[
        DataSample(metainfo=dict(sample_idx=i)).set_gt_label(int(labels[i])) for i in range(64)])
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    theirs = ((images.float() / 255 - mean) / std, labels, torch.arange(64))
    return ours, theirs


def our_step(variant: str, batch, their_core) -> Callable[[], None]:
    """Our step of ``variant`` with their student's and teacher's weights."""
    from sokd_mm.utils.convert_repdistiller import convert_state_dict
    torch.manual_seed(0)
    model, wrapper = build_ours(variant, 'cpu')
    for ours, theirs, arch in ((model.architecture, their_core.student, 'resnet20'),
                               (model.teacher, their_core.teacher, 'resnet56')):
        ours.load_state_dict(convert_state_dict(arch, theirs.state_dict(), ours.state_dict()))
    return train_step(model, wrapper, batch, variant.startswith('sokd_search'))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ref', required=True, help='checkout of FabienCode/mdistiller')
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--out', default=osp.join(REPO, 'benchmarks', 'results',
                                                  'peer_sokd_step.json'))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    lib = load_reference(osp.abspath(args.ref))
    import sokd_mm  # noqa: F401  (registers our components; after their imports, as a user)
    ours_batch, their_batch = make_batch()
    steps = {}
    for name, (variant, trainer, epoch) in PAIRS.items():
        theirs, core = their_step(lib, trainer, epoch, their_batch)
        steps[('theirs', name)] = theirs
        steps[('ours', name)] = our_step(variant, ours_batch, core)
    rounds, per = 3, {key: [] for key in steps}
    for _ in range(rounds):
        for key, step in steps.items():
            per[key].append(time_steps(step, args.warmup, max(args.steps // rounds, 1), False))
    results = {}
    for (side, name), runs in per.items():
        wall = sorted(r['median_s'] for r in runs)[len(runs) // 2]
        cpu = sorted(r['cpu_median_s'] for r in runs)[len(runs) // 2]
        results.setdefault(name, {})[side] = dict(
            median_s=wall, cpu_median_s=cpu, rounds=runs,
            gflops=host_waits_and_flops(steps[(side, name)])['gflops'])
    ratios = {}
    for name, sides in results.items():
        ours, theirs = sides['ours'], sides['theirs']
        ratios[name] = dict(time_ratio=ours['median_s'] / theirs['median_s'],
                            cpu_time_ratio=ours['cpu_median_s'] / theirs['cpu_median_s'],
                            flops_ratio=ours['gflops'] / theirs['gflops'],
                            target_time_ratio=TARGETS.get(name),
                            meets_target=(ours['median_s'] / theirs['median_s'] <= TARGETS[name]
                                          if name in TARGETS else None))
    fitnet = results['fitnet']['ours']
    against_fitnet = {name: dict(time_ratio=sides['ours']['median_s'] / fitnet['median_s'],
                                 flops_ratio=sides['ours']['gflops'] / fitnet['gflops'])
                      for name, sides in results.items()}
    write_json(args.out, dict(
        benchmark='peer_sokd_step', pair='resnet56->resnet20', batch=64, device='cpu',
        reference=dict(repository='FabienCode/mdistiller', config=DFKD_YAML,
                       commit=_commit(args.ref)),
        machine=machine(), results=results, ratios=ratios,
        ours_against_our_fitnet=against_fitnet))


def _commit(ref: str):
    import subprocess
    out = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True, cwd=ref)
    return out.stdout.strip() or None


if __name__ == '__main__':
    main()
