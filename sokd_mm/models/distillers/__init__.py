from .sokd import (DistinctiveAreaModule, FeatureAugmenter, SoKDConfigError,
                   SoKDDistiller)
from .validated_distiller import RecorderNameError, ValidatedDistiller

__all__ = ['ValidatedDistiller', 'RecorderNameError', 'SoKDDistiller', 'FeatureAugmenter',
           'DistinctiveAreaModule', 'SoKDConfigError']
