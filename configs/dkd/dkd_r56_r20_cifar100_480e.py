# dkd_r56_r20_cifar100.py on the SoKD authors' 480-epoch recipe (480 epochs, the lr steps still at
# 150/180/210): the budget-matched baseline for configs/sokd/*_480e.py. lr 0.025 (theirs; half the
# 240-epoch 0.05).
_base_ = ['./dkd_r56_r20_cifar100.py']
train_cfg = dict(max_epochs=480)
optim_wrapper = dict(optimizer=dict(lr=0.025))
