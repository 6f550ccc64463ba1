"""The user docs stay navigable: every relative link of README.md, docs/ and the configs'
READMEs points at a file that exists, every config or tool path a command names exists, the
README stays an overview, and no user doc talks about sessions."""
import glob
import os.path as osp
import re

import pytest

from tests.conftest import REPO

DOCS = sorted(['README.md', *(osp.relpath(p, REPO) for p in glob.glob(
    osp.join(REPO, 'docs', '**', '*.md'), recursive=True)), *(osp.relpath(p, REPO) for p in
    glob.glob(osp.join(REPO, 'configs', '*', 'README.md')))])
LINK = re.compile(r'\]\(([^)#\s]+)(?:#[^)]*)?\)')
# configs/..., tools/..., benchmarks/... named in commands and prose (placeholders excluded)
PATH = re.compile(r'(?<![\w/.-])((?:configs|tools|benchmarks)/[\w./-]+\.(?:py|sh))')


def test_the_docs_tree_is_the_openmmlab_layout():
    for page in ('get_started.md', 'faq.md', 'benchmarks.md', 'methods.md', 'model_zoo.md',
                 'user_guides/train_test.md', 'user_guides/config.md',
                 'user_guides/analysis_tools.md', 'user_guides/results_matrix.md',
                 'advanced_guides/fast_runtime.md', 'advanced_guides/reliability.md'):
        assert osp.isfile(osp.join(REPO, 'docs', 'en', page)), page
    assert len(DOCS) > 20


@pytest.mark.parametrize('doc', DOCS)
def test_relative_links_and_named_paths_exist(doc):
    text = open(osp.join(REPO, doc)).read()
    base = osp.dirname(osp.join(REPO, doc))
    broken = [target for target in LINK.findall(text)
              if '://' not in target and not target.startswith('mailto:')
              and not osp.exists(osp.normpath(osp.join(base, target)))]
    assert not broken, f'{doc}: broken links {broken}'
    missing = sorted({p for p in PATH.findall(text)
                      if '<' not in p and '...' not in p and 'x.py' not in p
                      and not re.search(r'/[A-Z_]+\.(py|sh)$', p)
                      and not osp.exists(osp.join(REPO, p))})
    assert not missing, f'{doc}: names paths that do not exist: {missing}'


def test_readme_is_an_overview_and_docs_have_no_session_talk():
    readme = open(osp.join(REPO, 'README.md')).read()
    assert len(readme.splitlines()) <= 150
    assert 'source .venv/bin/activate' in readme
    for doc in DOCS:
        text = open(osp.join(REPO, doc)).read().lower()
        for phrase in ('this session', 'previous session', 'this time', 'last session'):
            assert phrase not in text, f'{doc}: {phrase!r}'
