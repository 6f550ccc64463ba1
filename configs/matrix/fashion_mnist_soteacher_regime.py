# SoTeacher where it claims to help: teachers that memorise their training images. Teacher and
# students learn from the same first 2,000 Fashion-MNIST training images (the paper trains both
# on the whole training set); ResNet20 teachers, ResNet8 students by KD and DKD, 3 student seeds.
#   python tools/run_matrix.py configs/matrix/fashion_mnist_soteacher_regime.py --jobs 2
#   python tools/collect_results.py work_dirs/soteacher_regime_fashion_mnist --metric test_top1 \
#       --spec configs/matrix/fashion_mnist_soteacher_regime.py
# Compute (measured on a 2-core x86_64 CPU, one thread per run, two runs at a time, --fast):
# a ResNet20 step at batch 64 takes 0.36-0.46 s, a KD/DKD step about 0.26 s. Teachers: 100
# epochs x 32 batches plus 50 held-out validations, about 30 min each, 4 trainings = 2.0 CPU-h;
# students: 40 epochs x 32 batches, about 5.5 min each (3.5 alone), 21 runs = 1.8 CPU-h.
# In all about 3.8 CPU-hours, 1.9 h on 2 cores.
# Why this budget: memorising takes many passes over each image and a long low-lr phase, and a
# ResNet20 step costs 0.4 s on one CPU thread; 2,000 images for 100 epochs (the CIFAR recipe's
# shape: x0.1 steps at 62.5%, 75%, 87.5% of the run, lr 0.05) give 3,200 steps and 40 epochs
# after the first step. A probe of 5,000 images for 40 epochs reached only 93.0 % on them.
# Model selection never sees the test set: the last 5,000 training images are held out; the
# teachers validate on them every 2 epochs (the early-stopped teacher is the best of those
# epochs), and every finished teacher and student is scored once on the 10,000 test images.
# Teachers are also scored on the students' 2,000 training images with the test transform
# (train_top1 / train_nll / train_ece): what SoTeacher's theory is about.
# Results: docs/results/soteacher_regime_fashion_mnist.json, docs/en/teacher_study.md.
work_dir = 'work_dirs/soteacher_regime_fashion_mnist'
launcher = 'none'
seeds = [0, 1, 2]
train_args = ['--fast']
test_after = True
_images = (0, 2000)
_holdout = (55000, 60000)
teacher_train_images = {
    'test_dataloader.dataset.split': 'train',
    'test_dataloader.dataset.index_range': _images,
}
cfg_options = {
    'train_dataloader.dataset.indices': None,
    'train_dataloader.dataset.index_range': _images,
    'val_dataloader.dataset.split': 'train',
    'val_dataloader.dataset.index_range': _holdout,
    # students: 40 epochs (1,280 steps), the same shape of schedule
    'train_cfg.max_epochs': 40,
    'train_cfg.val_interval': 40,
    'param_scheduler.milestones': [25, 30, 35],
    'default_hooks.logger.interval': 16,
    'default_hooks.checkpoint.interval': 10,
}
_teacher = {
    'train_cfg.max_epochs': 100,
    'train_cfg.val_interval': 2,
    'param_scheduler.milestones': [62, 75, 87],
    'default_hooks.checkpoint.interval': 10,
    'default_hooks.checkpoint.save_best': 'accuracy/top1',
    'default_hooks.checkpoint.rule': 'greater',
}
_soteacher = 'configs/soteacher/soteacher_resnet20_fashion_mnist.py'


def _so(**loss):
    options = {f'model.soteacher_loss.{k}': v for k, v in loss.items()}
    return dict(config=_soteacher, cfg_options={**_teacher, **options}, distil=False)


teacher_kinds = ['standard', 'early_stopped', 'soteacher', 'soteacher_lr1e6_cr0',
                 'soteacher_lr1e6_step']
teachers = dict(resnet20=dict(
    standard=dict(config='configs/vanilla/resnet20_fashion_mnist.py', cfg_options=_teacher),
    early_stopped=dict(of='standard', checkpoint='best'),  # its best held-out epoch
    # shipped: lambda_LR 1e-5, lambda_CR 1 on a linear ramp (full weight at the last epoch)
    soteacher=dict(config=_soteacher, cfg_options=_teacher),
    # the paper's lambda_LR, without consistency: scored, not distilled from
    soteacher_lr1e6_cr0=_so(lambda_lr=1e-6, lambda_cr=0.0),
    # the paper's lambda_LR and the authors' consistency schedule (off up to epoch 50 of 240,
    # then full weight), scaled to 100 epochs: full weight from epoch 22
    soteacher_lr1e6_step=_so(lambda_lr=1e-6, lambda_cr=1.0, cr_schedule='step',
                             start_epoch=21),
))
pairs = [dict(teacher='resnet20', student='resnet8', methods=dict(
    student='configs/vanilla/resnet8_fashion_mnist.py',
    kd='configs/kd/kd_r20_r8_fashion_mnist.py',
    # DKD's warm-up, 20 of 240 epochs, scaled to 40
    dkd=dict(config='configs/dkd/dkd_r20_r8_fashion_mnist.py',
             cfg_options={'model.distiller.distill_losses.loss_dkd.warmup_epochs': 3})))]
