# kd_r32x4_shv2_cifar100.py on the SoKD authors' 480-epoch recipe (480 epochs, the lr steps still
# at 150/180/210): the budget-matched baseline for configs/sokd/*_480e.py. lr 0.005 [choice]: the
# authors have no 480-epoch file for this pair; half its 240-epoch lr, as their 0.025 is half of
# 0.05.
_base_ = ['./kd_r32x4_shv2_cifar100.py']
train_cfg = dict(max_epochs=480)
optim_wrapper = dict(optimizer=dict(lr=0.005))
