"""The runner, the demo and the visualiser tell a SoKD model by its class, not by how the
config spells its type, and plan the search epochs SoKDDistill will really run."""
from mmrazor.registry import MODELS

from sokd_mm.models.algorithms import SoKDDistill, builds_sokd, planned_search_epochs


def test_a_sokd_model_is_recognised_however_its_type_is_written():
    assert builds_sokd(dict(type='SoKDDistill')) and builds_sokd(dict(type='mmrazor.SoKDDistill'))
    assert builds_sokd(dict(type=SoKDDistill))
    assert not builds_sokd(dict(type='SingleTeacherDistill'))
    assert not builds_sokd(dict(type='nowhere.SoKDDistill')) and not builds_sokd({})


def test_a_users_subclass_of_sokd_is_sokd_too():
    @MODELS.register_module(force=True)
    class MySoKD(SoKDDistill):
        pass
    try:
        assert builds_sokd(dict(type='MySoKD'))
        assert planned_search_epochs(dict(type='MySoKD', search_epochs=3), 10) == 3
    finally:
        MODELS.module_dict.pop('MySoKD')


def test_the_search_left_out_of_a_config_is_sokds_default_not_zero():
    assert planned_search_epochs(dict(type='SoKDDistill'), 240) == 20
    assert planned_search_epochs(dict(type='SoKDDistill', search_epochs=20), 10) == 10
    assert planned_search_epochs(dict(type='SoKDDistill', search_epochs=0), 10) == 0
    assert planned_search_epochs(dict(type='SingleTeacherDistill', search_epochs=5), 10) == 0
