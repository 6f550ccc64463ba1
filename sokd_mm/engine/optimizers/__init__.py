from .bf16_optim_wrapper import BF16OptimWrapper
from .sokd_constructor import SoKDOptimWrapperConstructor, split_student_and_policy

__all__ = ['BF16OptimWrapper', 'SoKDOptimWrapperConstructor', 'split_student_and_policy']
