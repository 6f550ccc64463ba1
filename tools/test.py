"""Evaluate a checkpoint: `python tools/test.py CONFIG CHECKPOINT [--work-dir] [--out F]
[--cfg-options ...] [--launcher]`. ``--out metrics.json`` writes the metrics as JSON;
a checkpoint that does not fit the config's model is refused (``check_checkpoint_fits``);
``--out predictions.pkl`` dumps the per-sample predictions (mmengine's DumpResults)."""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

# the package's tool (console script sokd-test), its names here too
from sokd_mm.cli.test import *  # noqa: E402,F401,F403
from sokd_mm.cli.test import main  # noqa: E402

if __name__ == '__main__':
    main()
