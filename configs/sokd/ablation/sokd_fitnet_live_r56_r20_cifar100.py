# Ablation of SoKD-FitNet, ResNet56 -> ResNet20, CIFAR-100: our live DAM (LiveDistinctiveAreaModule)
# instead of the authors' DAM; everything else as configs/sokd/sokd_fitnet_r56_r20_cifar100.py.
_base_ = ['../sokd_fitnet_r56_r20_cifar100.py']
model = dict(distiller=dict(dam='live'))
