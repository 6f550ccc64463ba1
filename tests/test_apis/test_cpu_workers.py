"""A CPU run keeps only the loader workers the compute threads leave cores for, unless the
user chose them; a GPU run keeps the config's."""
from mmengine.config import Config

from sokd_mm.apis.cpu_workers import fit_cpu_workers


def _cfg():
    return Config(dict(train_dataloader=dict(num_workers=2, persistent_workers=False),
                       val_dataloader=dict(num_workers=2, persistent_workers=True)))


def test_cpu_run_on_two_cores_loads_in_the_main_process():
    cfg = _cfg()
    notes = fit_cpu_workers(cfg, {}, cuda=False, cores=2, threads=2)
    assert cfg.train_dataloader.num_workers == 0 and cfg.val_dataloader.num_workers == 0
    # DataLoader refuses persistent workers without workers.
    assert cfg.val_dataloader.persistent_workers is False
    assert len(notes) == 2 and 'train_dataloader.num_workers 2 -> 0' in notes[0]
    assert '--cfg-options train_dataloader.num_workers=N' in notes[0]


def test_free_cores_keep_as_many_workers():
    cfg = _cfg()
    fit_cpu_workers(cfg, {}, cuda=False, cores=16, threads=15)
    assert cfg.train_dataloader.num_workers == 1
    cfg = _cfg()
    assert fit_cpu_workers(cfg, {}, cuda=False, cores=16, threads=8) == []
    assert cfg.train_dataloader.num_workers == 2


def test_the_users_choice_and_gpu_runs_are_kept():
    cfg = _cfg()
    fit_cpu_workers(cfg, {'train_dataloader.num_workers': 2}, cuda=False, cores=2, threads=2)
    assert cfg.train_dataloader.num_workers == 2 and cfg.val_dataloader.num_workers == 0
    cfg = _cfg()
    assert fit_cpu_workers(cfg, {}, cuda=True, cores=2, threads=2) == []
    assert cfg.train_dataloader.num_workers == 2
