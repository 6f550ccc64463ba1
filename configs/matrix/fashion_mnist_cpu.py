# Fashion-MNIST on CPU: standard and SoTeacher ResNet20 teachers x {ResNet8 alone, KD, FitNet,
# DKD, CRD, SoKD-CRD, SoKD-FitNet and SoKD-KD with the authors' DAM and with our live DAM,
# SoKD+-FitNet and SoKD+-KD} x 3 seeds. CRD's cells train without --fast (its dataset wrapper is
# refused there).
#   python tools/run_matrix.py configs/matrix/fashion_mnist_cpu.py --jobs 2
#   python tools/collect_results.py work_dirs/matrix_fashion_mnist
# Budget (about 1.5 h on 2 CPU cores): the teachers learn from all 60,000 training images, the
# students from the first 5,000 (the set is shuffled). Trained on a subset like the students, a
# ResNet20 is no better than a ResNet8 alone (86.1 vs 86.1 +- 0.6 at 10,000 images), so the
# teachers see more: what a student can gain is the teacher's knowledge of data it does not
# see itself. 10 epochs everywhere (the 15-epoch schedule's steps at 6, 8, 9), the SoKD search
# during the first (10% of the run; the authors search 20 of 240 epochs), validation on all
# 10,000 test images at the end. The data: see docs/en/get_started.md "Data".
work_dir = 'work_dirs/matrix_fashion_mnist'
launcher = 'none'
seeds = [0, 1, 2]
teacher_kinds = ['vanilla', 'soteacher']
cfg_options = {
    'train_dataloader.dataset.indices': 5000,
    'train_cfg.max_epochs': 10,
    'train_cfg.val_interval': 10,
    'param_scheduler.milestones': [6, 8, 9],
    'default_hooks.logger.interval': 50,
    'default_hooks.checkpoint.interval': 5,
}
_all_images = {'train_dataloader.dataset.indices': None}
teachers = dict(resnet20=dict(
    vanilla=dict(config='configs/vanilla/resnet20_fashion_mnist.py', cfg_options=_all_images),
    soteacher=dict(config='configs/soteacher/soteacher_resnet20_fashion_mnist.py',
                   cfg_options=_all_images)))
_search = {'model.search_epochs': 1}
pairs = [dict(teacher='resnet20', student='resnet8', methods=dict(
    student='configs/vanilla/resnet8_fashion_mnist.py',
    kd='configs/kd/kd_r20_r8_fashion_mnist.py',
    fitnet='configs/fitnet/fitnet_r20_r8_fashion_mnist.py',
    dkd='configs/dkd/dkd_r20_r8_fashion_mnist.py',
    crd=dict(config='configs/crd/crd_r20_r8_fashion_mnist.py', train_args=[]),
    sokd_crd=dict(config='configs/sokd/sokd_crd_r20_r8_fashion_mnist.py', cfg_options=_search,
                  train_args=[]),
    sokd_plus_fitnet='configs/sokd/sokd_plus_fitnet_r20_r8_fashion_mnist.py',
    sokd_plus_kd='configs/sokd/sokd_plus_kd_r20_r8_fashion_mnist.py',
    sokd_fitnet=dict(config='configs/sokd/sokd_fitnet_r20_r8_fashion_mnist.py',
                     cfg_options=_search),
    sokd_fitnet_live=dict(config='configs/sokd/sokd_fitnet_live_r20_r8_fashion_mnist.py',
                          cfg_options=_search),
    sokd_kd=dict(config='configs/sokd/sokd_kd_r20_r8_fashion_mnist.py', cfg_options=_search),
    sokd_kd_live=dict(config='configs/sokd/sokd_kd_live_r20_r8_fashion_mnist.py',
                      cfg_options=_search)))]
