# SoKD+ against FitNet, KD and the authors' SoKD on Fashion-MNIST, ResNet20 -> ResNet8, 3 seeds,
# with CRD beside them: the budget, the teacher and the held-out validation of
# configs/matrix/fashion_mnist_sokd_ablation.py (same work dir: the teacher and the seed-0 cells
# the two SPECs share are trained once). Test-split top-1 is what the docs report.
#   python tools/run_matrix.py configs/matrix/fashion_mnist_sokd_plus.py --jobs 2 --fast
#   python tools/collect_results.py work_dirs/sokd_ablation_fashion_mnist --by-method \
#       --spec configs/matrix/fashion_mnist_sokd_plus.py
_base_ = ['./fashion_mnist_sokd_ablation.py']
seeds = [0, 1, 2]
# CRD's dataset wrapper is refused by the fast runtime: its cells train without --fast
# (SoKD-CRD: configs/matrix/fashion_mnist_cpu.py).
_methods = {k: _base_.methods[k] for k in ('student', 'kd', 'fitnet', 'sokd_fitnet', 'sokd_kd')}
_methods.update(
    sokd_plus_fitnet='configs/sokd/sokd_plus_fitnet_r20_r8_fashion_mnist.py',
    sokd_plus_kd='configs/sokd/sokd_plus_kd_r20_r8_fashion_mnist.py',
    crd=dict(config='configs/crd/crd_r20_r8_fashion_mnist.py', train_args=[]),
)
pairs = [dict(teacher='resnet20', student='resnet8', methods=_methods)]
