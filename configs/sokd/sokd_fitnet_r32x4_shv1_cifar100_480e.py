# The SoKD authors' 480-epoch recipe (their configs/DFKD/cifar/epoch480/*.yaml, the only SoKD
# configs their code loads) on sokd_fitnet_r32x4_shv1_cifar100.py: 480 epochs, the lr steps still
# at 150/180/210 (so 270 epochs at lr/1000), a 20-epoch search. Read it against the budget-matched
# baselines (configs/{fitnet,kd,...}/*_480e.py), never against 240-epoch ones. lr 0.005 [choice]:
# the authors have no 480-epoch file for this pair; half its 240-epoch lr, as their 0.025 is half
# of 0.05.
_base_ = ['./sokd_fitnet_r32x4_shv1_cifar100.py']
train_cfg = dict(max_epochs=480)
optim_wrapper = dict(optimizer=dict(lr=0.005))
model = dict(search_epochs=20)
