from .config_helpers import available_base_models, base_model

__all__ = ['base_model', 'available_base_models']
