"""The README's five-minute path, timed as a new user runs it: `python benchmarks/quick_start.py`
runs each ```bash block of the README's "Five minutes" section as written (its `python`
commands, in order, in a scratch folder holding links to tools/ and configs/; Fashion-MNIST
from data/fashion-mnist or Debian's copy) and writes benchmarks/results/quick_start.json: each
block's commands and seconds, and each training's seconds per iteration with the time its full
recipe (the config without the block's --cfg-options budget) would take at that pace.
Time it on an idle machine; the README quotes each block's minutes from the JSON."""
import os
import os.path as osp
import re
import shlex
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

HERE = osp.dirname(osp.abspath(__file__))
REPO = osp.dirname(HERE)
sys.path.insert(0, REPO)

from benchmarks.common import machine, write_json  # noqa: E402
from sokd_mm.apis.run_records import iteration_seconds, scalar_records  # noqa: E402

README_SECTION = '## Five minutes'


def quick_start_blocks(readme: str) -> List[List[str]]:
    """The `python` commands of each ```bash block of the README's five-minute section, each
    as the one line a shell runs (continuations joined, comments dropped)."""
    section = readme.split(README_SECTION, 1)[1].split('\n## ', 1)[0]
    blocks = []
    for block in re.findall(r'```bash\n(.*?)```', section, re.S):
        lines = [line.split('#', 1)[0].strip() for line in block.replace('\\\n', ' ')
                 .splitlines()]
        blocks.append([' '.join(line.split()) for line in lines if line.startswith('python ')])
    return blocks


def stated_minutes(readme: str) -> List[float]:
    """The minutes each block's comment line states (``# about N.N min ...``)."""
    section = readme.split(README_SECTION, 1)[1].split('\n## ', 1)[0]
    return [float(m) for m in re.findall(r'```bash\n# about (\d+(?:\.\d)?) min', section)]


def _full_recipe_iterations(command: List[str], cwd: str) -> int:
    """Iterations of the command's config with its own budget (no --cfg-options)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import sokd_mm  # noqa: F401  (registers the datasets)
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(osp.join(cwd, command[2]))
    init_default_scope('mmpretrain')
    loader = cfg.train_dataloader
    images = len(DATASETS.build(loader.dataset))
    per_epoch = -(-images // loader.batch_size)
    return per_epoch * cfg.train_cfg.max_epochs


def _seconds_per_iteration(work_dir: str) -> float:
    """Mean logged iteration time of a run (``time`` in vis_data/scalars.json)."""
    times = iteration_seconds(scalar_records(work_dir))
    return sum(times) / len(times)


def run_blocks(blocks: List[List[str]], scratch: str) -> List[Dict]:
    for name in ('tools', 'configs'):
        os.symlink(osp.join(REPO, name), osp.join(scratch, name))
    env = dict(os.environ, PYTHONPATH=REPO)
    timed = []
    for commands in blocks:
        start, runs = time.time(), []
        for line in commands:
            command = shlex.split(line)
            began = time.time()
            subprocess.run([sys.executable, *command[1:]], cwd=scratch, env=env, check=True)
            run = dict(command=line, seconds=round(time.time() - began, 1))
            if command[1] == 'tools/train.py':
                stem = osp.splitext(osp.basename(command[2]))[0]
                pace = _seconds_per_iteration(osp.join(scratch, 'work_dirs', stem))
                full = _full_recipe_iterations(command, scratch)
                run.update(seconds_per_iteration=round(pace, 4), full_recipe_iterations=full,
                           full_recipe_minutes=round(pace * full / 60, 1))
            runs.append(run)
        timed.append(dict(seconds=round(time.time() - start, 1), runs=runs))
    return timed


def main() -> None:
    readme = open(osp.join(REPO, 'README.md')).read()
    with tempfile.TemporaryDirectory() as scratch:
        blocks = run_blocks(quick_start_blocks(readme), scratch)
    write_json(osp.join(HERE, 'results', 'quick_start.json'), dict(
        benchmark='quick_start', machine=machine(), blocks=blocks))


if __name__ == '__main__':
    main()
