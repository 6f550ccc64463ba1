from .config_checks import check_cfg_options, explain_registry_error
from .launch import prepare_distributed

__all__ = ['check_cfg_options', 'explain_registry_error', 'prepare_distributed']
