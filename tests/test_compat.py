"""sokd_mm.compat: mmrazor's models import on torch 2.x, and checkpoints with mmengine objects
load on torch >= 2.6 (resume)."""
import subprocess
import sys

import torch


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=300)


def test_mmrazor_models_fail_without_and_import_with_the_patch():
    bare = _run('import mmrazor.models')
    assert bare.returncode != 0 and 'torch>=1.13' in bare.stderr, bare.stderr[-500:]
    patched = _run('import sokd_mm, mmrazor.models; '
                   'from mmrazor.models import SingleTeacherDistill, ConfigurableDistiller; '
                   'print("OK")')
    assert patched.returncode == 0, patched.stderr[-2000:]
    assert 'OK' in patched.stdout


def test_full_training_checkpoint_loads_through_mmengine(tmp_path):
    import sokd_mm  # noqa: F401
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import CheckpointLoader

    path = tmp_path / 'full.pth'
    torch.save({'state_dict': {'w': torch.ones(2)},
                'message_hub': {'log_scalars': {'loss': HistoryBuffer([1.0, 2.0], [1, 1])}}}, path)
    # torch's own default refuses the mmengine object: the patch is what makes resume work.
    try:
        torch.load(path)
        refused = False
    except Exception:
        refused = True
    assert refused
    # Resume (the run's own file) unpickles the whole checkpoint ...
    from sokd_mm.utils.checkpoint_io import trusted_loading
    with trusted_loading():
        loaded = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))
    assert list(loaded['message_hub']['log_scalars']['loss'].data[0]) == [1.0, 2.0]
    # ... load_from / teacher_ckpt take its weights only.
    weights = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert set(weights) == {'state_dict', 'meta'}
    assert torch.equal(weights['state_dict']['w'], torch.ones(2))


def test_env_report_says_processes_not_gpus(tmp_path):
    """A 1-process CPU run logs 'processes (world size): 1', not mmengine's 'GPU number: 1'."""
    from tests.conftest import PYTHON, REPO, run_tool
    proc = run_tool([PYTHON, f'{REPO}/tools/train.py', f'{REPO}/configs/vanilla/resnet8_digits.py',
                     '--work-dir', str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1',
                     'train_dataloader.dataset.indices=64', 'val_dataloader.dataset.indices=64'])
    out = proc.stdout + proc.stderr
    assert 'processes (world size): 1' in out and 'GPU number' not in out
    assert '"FileClient" will be deprecated' not in out
    assert 'mmcv-lite' not in out



def test_config_text_is_formatted_once_per_content_and_matches_yapf():
    """pretty_text formats a config once, however often a run asks (log, dump, checkpoints),
    gives yapf's own text, and is formatted anew when the config changes."""
    import sokd_mm  # noqa: F401
    import mmengine.config.config as config_module
    from mmengine.config import Config
    from tests.conftest import REPO
    from yapf.yapflib.yapf_api import FormatCode
    memoized = config_module.FormatCode
    assert memoized.__wrapped__ is FormatCode
    cfg = Config.fromfile(f'{REPO}/configs/sokd/sokd_fitnet_r20_r8_digits.py')
    saved = memoized.cache.copy()
    memoized.cache.clear()
    try:
        first = cfg.pretty_text
        [((text, _, kwargs), (formatted, _))] = memoized.cache.items()
        style = dict(eval(kwargs))['style_config']
        assert formatted == first == FormatCode(text, style_config=style)[0]  # yapf's text
        assert cfg.pretty_text == first and len(memoized.cache) == 1  # asked again: reused
        cfg.merge_from_dict({'train_cfg.max_epochs': 7})
        changed = cfg.pretty_text
        assert 'max_epochs=7' in changed and 'max_epochs=7' not in first
        assert len(memoized.cache) == 2
    finally:
        memoized.cache.clear()
        memoized.cache.update(saved)
