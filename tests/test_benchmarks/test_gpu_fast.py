"""benchmarks/gpu_fast.py runs end to end (its --quick mode: a few steps of every section the
machine allows) and reports what the issue asks for; timings themselves are not asserted."""
import json

from tests.conftest import PYTHON, REPO, run_tool


def test_quick_run_reports_the_proxies_and_the_model_runs(tmp_path):
    out = tmp_path / 'gpu_fast.json'
    run_tool([PYTHON, f'{REPO}/benchmarks/gpu_fast.py', '--quick', '--device', 'cpu',
              '--out', str(out)], timeout=900)
    result = json.loads(out.read_text())
    overhead = result['overhead']
    for key in ('plain_step_us', 'standard_overhead_us', 'fast_overhead_us'):
        assert overhead[key] == overhead[key]  # a number, not NaN
    assert overhead['standard_iteration_us'] > overhead['plain_step_us']
    pipeline = result['pipeline']
    assert {'mmpretrain_pipeline_0_workers_images_per_s',
            'mmpretrain_pipeline_2_workers_images_per_s',
            'device_resident_images_per_s'} <= set(pipeline)
    rows = {(r['method'], r['runtime']) for r in result['runs']}
    assert rows == {(m, r) for m in ('kd_r56_r20', 'sokd_fitnet_r56_r20')
                    for r in ('standard', 'fast')}
    sokd = next(r for r in result['runs'] if r['method'].startswith('sokd'))
    # 20 search epochs at the search step's cost + 220 at the normal one.
    assert sokd['projected_240_epochs_min'] > 240 * 782 * sokd['seconds_per_step'] / 60
    # The fast rows count what would make a GPU wait: nothing, searching or not.
    for row in result['runs']:
        if row['runtime'] == 'fast':
            assert row['host_waits_per_step'] == 0, row
    fast_sokd = next(r for r in result['runs'] if r['method'].startswith('sokd')
                     and r['runtime'] == 'fast')
    assert fast_sokd['search_host_waits_per_step'] == 0
