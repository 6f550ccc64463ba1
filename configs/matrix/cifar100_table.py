# The docs/en/methods.md section 3 table, with and without SoTeacher and SoKD, 3 seeds:
#   python tools/run_matrix.py configs/matrix/cifar100_table.py
#   python tools/collect_results.py work_dirs/matrix_cifar100
# Needs CIFAR-100 under data/cifar100 and GPUs; each cell is a 240-epoch run. Set
# launcher='dist' and gpus=N to run each cell with tools/dist_train.sh (add --auto-scale-lr
# semantics by keeping the per-GPU batch at 64 / N), or launcher='slurm' with partition=...
work_dir = 'work_dirs/matrix_cifar100'
launcher = 'none'
gpus = 1
seeds = [0, 1, 2]
teacher_kinds = ['vanilla', 'soteacher']
cfg_options = dict()

teachers = {
    arch: dict(vanilla=f'configs/vanilla/{arch}_cifar100.py',
               soteacher=f'configs/soteacher/soteacher_{arch}_cifar100.py')
    for arch in ('resnet56', 'resnet110', 'resnet32x4', 'wrn_40_2', 'vgg13', 'resnet50')
}


def _pair(teacher, student, tag, extra=()):
    methods = dict(student=f'configs/vanilla/{student}_cifar100.py')
    for method in ('kd', 'fitnet', 'dkd') + tuple(extra) + ('sokd_kd', 'sokd_fitnet'):
        folder = 'sokd' if method.startswith('sokd') else method
        methods[method] = f'configs/{folder}/{method}_{tag}_cifar100.py'
    return dict(teacher=teacher, student=student, methods=methods)


pairs = [
    _pair('resnet56', 'resnet20', 'r56_r20', extra=('at', 'crd', 'reviewkd')),
    _pair('resnet110', 'resnet32', 'r110_r32'),
    _pair('resnet32x4', 'resnet8x4', 'r32x4_r8x4'),
    _pair('wrn_40_2', 'wrn_16_2', 'wrn40x2_wrn16x2'),
    _pair('wrn_40_2', 'wrn_40_1', 'wrn40x2_wrn40x1'),
    _pair('vgg13', 'vgg8', 'vgg13_vgg8'),
    _pair('resnet50', 'mobilenetv2', 'r50_mv2'),
]
