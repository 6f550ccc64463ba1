# Decoupled KD, wrn_40_2 -> wrn_16_2 on CIFAR-100: beta 6.0 (mdistiller
# configs/cifar100/dkd/wrn40_2_wrn_16_2.yaml), alpha 1, T 4, 20-epoch warm-up.
_base_ = ['./dkd_r56_r20_cifar100.py']
from sokd_mm.utils import base_model  # noqa: E402

model = dict(architecture=base_model('wrn_16_2'), teacher=base_model('wrn_40_2'),
             distiller=dict(distill_losses=dict(loss_dkd=dict(beta=6.0))))
