"""The FAQ's table of user mistakes (docs/en/faq.md) promises a test per row: every test it
names exists.

A test cell lists `path::test_name` references; a path may omit its folder (`test_cifar.py`),
and `::test_name` alone refers to the file named before it in the same cell."""
import os
import os.path as osp
import re

from tests.conftest import REPO

TESTS = osp.join(REPO, 'tests')


def _find(path: str) -> str:
    if osp.isfile(osp.join(TESTS, path)):
        return osp.join(TESTS, path)
    found = [osp.join(d, path) for d, _, files in os.walk(TESTS) if path in files]
    assert len(found) == 1, f'{path}: {found or "no such test file"}'
    return found[0]


def test_every_row_of_the_error_table_names_existing_tests():
    text = open(osp.join(REPO, 'docs', 'en', 'faq.md')).read()
    table = text[text.index('# FAQ: mistakes caught, and their messages'):]
    rows = [line for line in table.splitlines() if line.startswith('| ') and '---' not in line]
    assert len(rows) > 20
    for row in rows[1:]:  # after the header
        refs = re.findall(r'`([^`]+)`', row.rstrip(' |').rsplit(' | ', 1)[-1])
        assert refs, f'row without a test: {row}'
        current = None
        for ref in refs:
            path, _, name = ref.partition('::')
            current = _find(path) if path else current
            assert current, f'{ref}: no file'
            if name:
                assert re.search(rf'^def {re.escape(name)}\(', open(current).read(), re.M), \
                    f'{current}::{name} does not exist'
