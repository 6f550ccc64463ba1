"""`make demo`'s wall time, run as a new user runs it: `python benchmarks/demo_time.py` runs
tools/demo.py in a fresh work dir and writes benchmarks/results/demo_time.json (every run's
seconds, the total, the table, the machine, the commit). Time it on an idle machine."""
import json
import os.path as osp
import subprocess
import sys
import tempfile
import time

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, osp.dirname(HERE))

from benchmarks.common import machine, write_json  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        start = time.time()
        subprocess.run([sys.executable, osp.join(osp.dirname(HERE), 'tools', 'demo.py'),
                        '--work-dir', work, *sys.argv[1:]], check=True)
        total = time.time() - start
        results = json.load(open(osp.join(work, 'results.json')))
        table = open(osp.join(work, 'results.md')).read()
    write_json(osp.join(HERE, 'results', 'demo_time.json'), dict(
        benchmark='demo_time', machine=machine(), total_s=round(total, 1), target_s=300,
        meets_target=total <= 300, runs={r['name']: r['seconds'] for r in results},
        top1={r['name']: r['top1'] for r in results}, table=table))


if __name__ == '__main__':
    main()
