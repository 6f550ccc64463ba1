# Ablation of SoKD-FitNet, ResNet56 -> ResNet20, CIFAR-100: search off (the initial policy, sampled
# every iteration, never learns); everything else as configs/sokd/sokd_fitnet_r56_r20_cifar100.py.
_base_ = ['../sokd_fitnet_r56_r20_cifar100.py']
model = dict(search_epochs=0)
