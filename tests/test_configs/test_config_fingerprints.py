"""What every shipped config builds (modules and their settings, parameter shapes, optimizers
and their parameter groups, schedule, model wrapper) equals the recorded fingerprint in
tests/test_configs/config_fingerprints.json, and so does every variant a SPEC makes with
cfg_options: rewriting how configs are composed must not change what they train."""
import json

import pytest

from config_fingerprint import GOLDEN, fingerprint, shipped_configs, spec_methods

with open(GOLDEN) as f:
    RECORDED = json.load(f)


def test_every_shipped_config_has_a_recorded_fingerprint():
    missing = [p for p in shipped_configs() if p not in RECORDED]
    assert not missing, f'new configs: record them (tests/helpers/config_fingerprint.py): {missing}'


def _current(key: str):
    if '::' not in key:
        return key, {}
    spec, _ = key.split('::')
    return spec_methods(spec)[key]


@pytest.mark.parametrize('key', sorted(RECORDED))
def test_config_builds_what_it_built(key):
    config, options = _current(key)
    now = fingerprint(config, options)
    for section, recorded in RECORDED[key].items():
        assert json.loads(json.dumps(now[section], sort_keys=True)) == recorded, section
