from .crd_loss import PackedCRDLoss
from .dkd_loss import WarmupDKDLoss
from .lipschitz_loss import LipschitzLoss, lipschitz_bound
from .reviewkd_loss import ReviewKDLoss, hcl_loss
from .warmup import warmup_factor
from .soteacher_loss import (CR_SCHEDULES, SoTeacherConfigError, SoTeacherLoss, cr_weight,
                             ensemble_rate)

__all__ = ['LipschitzLoss', 'lipschitz_bound', 'SoTeacherLoss', 'SoTeacherConfigError',
           'cr_weight', 'ensemble_rate', 'CR_SCHEDULES', 'ReviewKDLoss', 'hcl_loss',
           'PackedCRDLoss', 'WarmupDKDLoss', 'warmup_factor']
