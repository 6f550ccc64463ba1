""".dev_scripts/benchmark_report.py prints the generated table; --help prints its usage instead."""
from tests.conftest import PYTHON, REPO, run_tool


def test_help_prints_the_usage_not_the_table():
    helped = run_tool([PYTHON, f'{REPO}/.dev_scripts/benchmark_report.py', '--help'])
    assert helped.stdout.startswith('usage:') and '| benchmark |' not in helped.stdout
    table = run_tool([PYTHON, f'{REPO}/.dev_scripts/benchmark_report.py'])
    assert table.stdout.startswith('| benchmark | what | measured | where |')
