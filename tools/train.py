"""Train a model from a config: `python tools/train.py CONFIG [--work-dir] [--resume [CKPT]]
[--allow-change KEY ...] [--amp] [--fast [--no-bf16]] [--no-validate] [--auto-scale-lr]
[--cfg-options k=v ...] [--launcher none|pytorch|slurm]`.

SIGTERM, SIGUSR1 and Ctrl-C stop training after the current iteration with a checkpoint of it
and the command that continues (exit status 75); a second Ctrl-C stops at once."""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

# the package's tool (console script sokd-train), its names here too
from sokd_mm.cli.train import *  # noqa: E402,F401,F403
from sokd_mm.cli.train import main  # noqa: E402

if __name__ == '__main__':
    main()
