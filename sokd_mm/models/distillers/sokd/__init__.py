from .dam import (DAMConfigError, DistinctiveAreaModule, area_mask, dam_diagnostics,
                  select_areas)
from .live_dam import LiveDistinctiveAreaModule, WholeMapArea, teacher_attention
from .feature_augmenter import SUB_POLICIES, FeatureAugmenter
from .feature_ops import FEATURE_OPS, OP_NAMES, apply_op
from .sokd_distiller import SoKDConfigError, SoKDDistiller

__all__ = ['FeatureAugmenter', 'SUB_POLICIES', 'FEATURE_OPS', 'OP_NAMES', 'apply_op',
           'DistinctiveAreaModule', 'LiveDistinctiveAreaModule', 'WholeMapArea',
           'teacher_attention', 'select_areas', 'dam_diagnostics', 'area_mask',
           'DAMConfigError', 'SoKDDistiller', 'SoKDConfigError']
