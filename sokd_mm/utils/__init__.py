from .config_helpers import (available_base_models, base_model, crd_train_dataset,
                             early_stopping)

__all__ = ['base_model', 'available_base_models', 'crd_train_dataset', 'early_stopping']
