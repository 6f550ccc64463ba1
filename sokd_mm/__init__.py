"""sokd_mm: student-oriented knowledge distillation (SoTeacher, SoKD) for OpenMMLab.

Importing the package registers every component in the mmpretrain / mmrazor / mmengine
registries; configs reach it through ``custom_imports=dict(imports=['sokd_mm'])``.
"""
import warnings

# Library warnings that say nothing to a user of this plugin, filtered here and only here:
# mmcv-lite (enough for classification distillation, see docs/en/get_started.md "Versions")
# warns at import that detection-only compiled ops are missing.
warnings.filterwarnings('ignore', message=r'Fail to import ``MultiScaleDeformableAttention``')

from . import compat  # noqa: F401,E402  (must run before anything imports mmrazor.models)
from . import apis, datasets, engine, evaluation, models, utils  # noqa: F401,E402

__version__ = '0.1.0'
