from .config_checks import (check_cfg_options, check_checkpoint_fits, check_data_folders,
                            check_loss_weights, check_num_classes,
                            explain_build_error, explain_registry_error, fit_crd_memory,
                            load_config, teacher_from_checkpoint)
from .fast_runtime import apply_fast_runtime, device_loop_settings
from .launch import close_process_group, prepare_distributed, total_batch_note

__all__ = ['apply_fast_runtime', 'check_cfg_options', 'check_checkpoint_fits',
           'close_process_group', 'check_data_folders', 'device_loop_settings',
           'check_loss_weights', 'check_num_classes',
           'explain_build_error',
           'explain_registry_error', 'fit_crd_memory', 'load_config', 'prepare_distributed',
           'teacher_from_checkpoint', 'total_batch_note']
