# Ablation of SoKD-FitNet, ResNet56 -> ResNet20, CIFAR-100: augmentation off (the teacher's feature
# is passed on unrefined; no search); everything else as
# configs/sokd/sokd_fitnet_r56_r20_cifar100.py.
_base_ = ['../sokd_fitnet_r56_r20_cifar100.py']
model = dict(search_epochs=0, distiller=dict(augment=False))
