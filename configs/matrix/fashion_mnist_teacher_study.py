# Which teacher helps a student: standard, early-stopped and SoTeacher ResNet20 teachers on
# Fashion-MNIST, each distilled into ResNet8 by KD and DKD, 3 student seeds, at the budget of
# configs/matrix/fashion_mnist_cpu.py (10 epochs, steps at 6, 8, 9; students on the first 5,000
# training images).
#   python tools/run_matrix.py configs/matrix/fashion_mnist_teacher_study.py --jobs 2
#   python tools/collect_results.py work_dirs/teacher_study_fashion_mnist --metric test_top1 \
#       --spec configs/matrix/fashion_mnist_teacher_study.py
# Model selection never sees the test set: every teacher learns from the first 55,000 training
# images and is scored on the last 5,000 after every epoch (so any of them can be early-stopped);
# students validate on the same held-out images, and every finished student and teacher is
# scored once on the 10,000 test images (what the docs report, docs/en/teacher_study.md).
# Teachers train once (seed 0); the seeds are the students'.
_base_ = ['./fashion_mnist_sokd_ablation.py']  # the budget, the held-out validation
work_dir = 'work_dirs/teacher_study_fashion_mnist'
seeds = [0, 1, 2]
train_args = ['--fast']
_teacher = {
    'train_dataloader.dataset.indices': None,
    'train_dataloader.dataset.index_range': (0, 55000),  # the rest is the held-out split
    'train_cfg.val_interval': 1,
    'default_hooks.checkpoint.save_best': 'accuracy/top1',
    'default_hooks.checkpoint.rule': 'greater',
}
_soteacher = 'configs/soteacher/soteacher_resnet20_fashion_mnist.py'


def _so(**loss):
    options = {f'model.soteacher_loss.{k}': v for k, v in loss.items()}
    return dict(config=_soteacher, cfg_options={**_teacher, **options})


teacher_kinds = ['standard', 'early_stopped', 'epoch5', 'soteacher', 'soteacher_reference',
                 'soteacher_lr1e6_cr0', 'soteacher_lr1e6_cr1']
teachers = dict(resnet20=dict(
    standard=dict(config='configs/vanilla/resnet20_fashion_mnist.py', cfg_options=_teacher),
    # its best held-out epoch; that is the last one (epoch 10) at this budget, so its students
    # would be the standard teacher's: scored, not distilled from
    early_stopped=dict(of='standard', checkpoint='best', distil=False),
    # a fixed early epoch: the standard recipe stopped after epoch 5, before its first lr step
    # (its epoch-5 state; the standard run's own epoch_5.pth is rotated out by max_keep_ckpts)
    epoch5=dict(config='configs/vanilla/resnet20_fashion_mnist.py',
                cfg_options={**_teacher, 'train_cfg.max_epochs': 5}),
    soteacher=_so(),                                       # shipped: lambda_LR 1e-5, running mean
    soteacher_reference=_so(ensemble_mode='reference'),    # the authors' ensemble update
    soteacher_lr1e6_cr0=_so(lambda_lr=1e-6, lambda_cr=0.0),  # the paper's lambda_LR, no CR
    soteacher_lr1e6_cr1=_so(lambda_lr=1e-6, lambda_cr=1.0),
))
pairs = [dict(teacher='resnet20', student='resnet8', methods=dict(
    student='configs/vanilla/resnet8_fashion_mnist.py',
    kd='configs/kd/kd_r20_r8_fashion_mnist.py',
    dkd='configs/dkd/dkd_r20_r8_fashion_mnist.py'))]
