from .sokd_constructor import SoKDOptimWrapperConstructor, split_student_and_policy

__all__ = ['SoKDOptimWrapperConstructor', 'split_student_and_policy']
