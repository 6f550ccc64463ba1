from .config_helpers import (available_base_models, base_model, crd_train_dataset,
                             early_stopping)
from .sokd_config import sokd_levels_settings, sokd_plus_settings, sokd_settings

__all__ = ['base_model', 'available_base_models', 'crd_train_dataset', 'early_stopping',
           'sokd_settings', 'sokd_levels_settings', 'sokd_plus_settings']
