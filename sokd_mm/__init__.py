"""sokd_mm: student-oriented knowledge distillation (SoTeacher, SoKD) for OpenMMLab.

Importing the package registers every component in the mmpretrain / mmrazor / mmengine
registries; configs reach it through ``custom_imports=dict(imports=['sokd_mm'])``.
"""
from . import compat  # noqa: F401  (must run before anything imports mmrazor.models)
from . import apis, datasets, engine, evaluation, models, utils  # noqa: F401

__version__ = '0.1.0'
