"""Every results table of the docs is generated from its committed JSON by
.dev_scripts/gen_docs.py: a table edited by hand, or a JSON changed without its table, fails
here; every results JSON says where it comes from."""
import glob
import json
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import REPO  # noqa: I001  (puts .dev_scripts on the path)
from gen_docs import BLOCK, stale_docs  # noqa: E402

STUDIES = sorted(osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'docs', 'results',
                                                                    '*.json')))


def test_every_generated_table_matches_its_json():
    stale = stale_docs(REPO)
    assert not stale, f'out of date: {sorted(stale)}; run python .dev_scripts/gen_docs.py'
    check = subprocess.run([sys.executable, osp.join(REPO, '.dev_scripts', 'gen_docs.py'),
                            '--check'], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize('results', STUDIES)
def test_every_study_json_is_in_a_doc_and_says_where_it_comes_from(results):
    data = json.load(open(osp.join(REPO, results)))
    assert {'command', 'commit', 'date', 'machine'} <= set(data['meta'])
    docs = ''.join(open(p).read() for p in glob.glob(osp.join(REPO, 'docs', 'en', '**', '*.md'),
                                                     recursive=True))
    assert results in {m[0] for m in BLOCK.findall(docs)}


def test_an_edited_table_is_caught(tmp_path):
    """The check compares whole tables: one changed number makes the doc stale."""
    import shutil
    for sub in ('docs', 'benchmarks', 'configs', 'sokd_mm'):
        shutil.copytree(osp.join(REPO, sub), tmp_path / sub, symlinks=True)
    doc = tmp_path / 'docs' / 'en' / 'sokd_ablation.md'
    text = doc.read_text()
    table = BLOCK.search(text)[2]
    row = next(line for line in table.splitlines() if line.count('|') > 4 and '---' not in line
               and any(c.isdigit() for c in line))
    doc.write_text(text.replace(row, row.replace('.', ',', 1)))
    assert 'docs/en/sokd_ablation.md' in stale_docs(str(tmp_path))


def test_empty_blocks_are_filled_and_the_text_between_them_kept():
    """A new page starts with empty blocks: each is filled from its own JSON, nothing between
    them is taken for a table."""
    results = 'docs/results/sokd_ablation_fashion_mnist.json'
    text = (f'<!-- generated from {results} -->\n<!-- end of generated table -->\n\nbetween\n\n'
            f'<!-- generated from {results} -->\n<!-- end of generated table -->\n')
    blocks = BLOCK.findall(text)
    assert [b[0] for b in blocks] == [results, results] and 'between' not in blocks[0][1]


def test_the_readme_quotes_the_demo_time_of_its_benchmark_json():
    data = json.load(open(osp.join(REPO, 'benchmarks', 'results', 'demo_time.json')))
    readme = open(osp.join(REPO, 'README.md')).read()
    assert f"The demo ({len(data['runs'])} runs, two at a time) took {data['total_s']:.0f} s" \
        in readme.replace('\n', ' ')


def test_the_readme_quick_start_states_the_times_of_its_benchmark_json():
    from benchmarks.quick_start import quick_start_blocks, stated_minutes
    data = json.load(open(osp.join(REPO, 'benchmarks', 'results', 'quick_start.json')))
    readme = open(osp.join(REPO, 'README.md')).read()
    # the JSON timed the commands the README gives now
    assert [[run['command'] for run in block['runs']] for block in data['blocks']] == \
        quick_start_blocks(readme)
    seconds = [block['seconds'] for block in data['blocks']]
    assert stated_minutes(readme) == [round(s / 60, 1) for s in seconds]
    # the promise, with room for a machine twice as slow
    assert all(2 * s <= 300 for s in seconds), 'a block no longer fits five minutes twice over'
    fashion = data['blocks'][1]['runs']
    teacher, student = (f"{run['full_recipe_minutes']:.0f}" for run in fashion[:2])
    assert f'about {teacher} min for the teacher and {student} min for the student' in \
        ' '.join(readme.split())
