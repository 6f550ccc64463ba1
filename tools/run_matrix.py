"""Run a benchmark matrix resumably: `python tools/run_matrix.py SPEC [--dry-run] [--jobs N]
[--runs-per-gpu N] [--fast]`. Finished
cells are skipped, an interrupted one resumes; then `python tools/collect_results.py WORK_DIR`.
The SPEC format is documented in sokd_mm/apis/matrix.py; configs/matrix/ has examples."""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

# the package's tool (console script sokd-matrix), its names here too
from sokd_mm.cli.run_matrix import *  # noqa: E402,F401,F403
from sokd_mm.cli.run_matrix import main  # noqa: E402

if __name__ == '__main__':
    main()
