# Three seeds of the SoKD parts that cost the most in the one-seed screen of
# configs/matrix/fashion_mnist_sokd_ablation.py (same work dir, budget and teacher): the authors'
# 3-block connector, their augmentation with its search, and their DAM, each added to the
# 3-block whole-map hint (compare with sokd_fitnet_c1_whole_noaug = FitNet, 3 seeds in
# configs/matrix/fashion_mnist_sokd_plus.py).
#   python tools/run_matrix.py configs/matrix/fashion_mnist_sokd_ablation_seeds.py --jobs 2 --fast
_base_ = ['./fashion_mnist_sokd_ablation.py']
seeds = [0, 1, 2]
_methods = {k: _base_.methods[k] for k in (
    'sokd_fitnet_c3_whole_noaug', 'sokd_fitnet_c3_whole_aug', 'sokd_fitnet_c3_ref_noaug')}
pairs = [dict(teacher='resnet20', student='resnet8', methods=_methods)]
