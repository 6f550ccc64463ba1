from .sokd_distill import SoKDDDP, SoKDDistill, builds_sokd, planned_search_epochs
from .strict_teacher_distill import (StrictTeacherDistill, TeacherCheckpointError,
                                     extract_state_dict, holds_teacher_weights,
                                     load_teacher_strictly)

__all__ = ['StrictTeacherDistill', 'TeacherCheckpointError', 'extract_state_dict',
           'load_teacher_strictly', 'holds_teacher_weights', 'SoKDDistill', 'SoKDDDP',
           'builds_sokd', 'planned_search_epochs']
