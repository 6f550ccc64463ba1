# Three seeds of the longest budget of configs/matrix/fashion_mnist_sokd_budget.py (same work
# dir, so its seed-0 cells are not trained again): FitNet, SoKD-FitNet, KD, SoKD-KD, SoKD+-KD
# and SoKD-FitNet with the live DAM at 60 epochs. Compute: 4.2 CPU-h beyond the 1-seed SPEC.
#   python tools/run_matrix.py configs/matrix/fashion_mnist_sokd_budget_seeds.py --jobs 2 --fast
_base_ = ['./fashion_mnist_sokd_budget.py']
seeds = [0, 1, 2]
pairs = [dict(teacher='resnet20', student='resnet8', methods={
    name: entry for name, entry in _base_.pairs[0]['methods'].items() if name.endswith('_60e')})]
