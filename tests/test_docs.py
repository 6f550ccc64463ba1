"""The documentation matches the repository: every tool is in the docs, the README links the
methods document users have (docs/en/methods.md, not the project's internal notes), the
LICENSE file is the licence setup.py declares, and the logged SoKD terms are documented."""
import glob
import os.path as osp

from tests.conftest import REPO

README = open(osp.join(REPO, 'README.md')).read()
DOCS = README + ''.join(open(p).read() for p in sorted(glob.glob(
    osp.join(REPO, 'docs', 'en', '**', '*.md'), recursive=True)))


def test_every_tool_is_in_the_docs():
    tools = [osp.relpath(p, osp.join(REPO, 'tools'))
             for p in glob.glob(osp.join(REPO, 'tools', '**', '*.*'), recursive=True)
             if p.endswith(('.py', '.sh'))]
    assert len(tools) >= 15
    missing = [t for t in tools if osp.basename(t) not in DOCS]
    assert not missing, missing


def test_methods_document_is_the_users_and_linked():
    assert osp.isfile(osp.join(REPO, 'docs', 'en', 'methods.md'))
    assert 'docs/en/methods.md' in README
    assert 'METHODS.md' not in README


def test_license_file_is_the_declared_licence():
    setup = open(osp.join(REPO, 'setup.py')).read()
    assert "license='Apache-2.0'" in setup
    assert 'Apache License' in open(osp.join(REPO, 'LICENSE')).read()[:200]


def test_logged_sokd_terms_and_options_are_documented():
    for term in ('policy_entropy', 'search_objective', 'relax_variance',
                 'sokd_dam_first_k_hint', 'loss_sokd_heatmap_hint', 'dataset.indices',
                 'training_curves.png', 'teacher_quality', 'visualize_sokd.py'):
        assert term in DOCS, term


def test_section_numbers_the_code_cites_exist_in_the_methods_document():
    """The code cites docs/en/methods.md by section ("docs/en/methods.md 2.1a"): every cited
    number is a heading there."""
    import re
    methods = open(osp.join(REPO, 'docs', 'en', 'methods.md')).read()
    headings = set(re.findall(r'^#+ (\d+[a-z]?(?:\.\d+[a-z]?)?)[. ]', methods, re.M))
    cited = set()
    for path in glob.glob(osp.join(REPO, '**', '*.py'), recursive=True):
        if '.venv' in path or '/build/' in path or '.mim' in path:
            continue
        cited |= set(re.findall(r'docs/en/methods\.md (?:section )?(\d+[a-z]?(?:\.\d+[a-z]?)?)',
                                open(path).read()))
    assert len(cited) >= 5 and cited <= headings, cited - headings
