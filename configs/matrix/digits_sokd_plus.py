# SoKD+ on the embedded digits (the demo's data and 30-epoch budget), ResNet20 -> ResNet8, 3 seeds:
# the check that SoKD+ is not below FitNet and KD where distillation barely matters.
#   python tools/run_matrix.py configs/matrix/digits_sokd_plus.py --jobs 2 --fast
#   python tools/collect_results.py work_dirs/sokd_plus_digits --by-method \
#       --spec configs/matrix/digits_sokd_plus.py
work_dir = 'work_dirs/sokd_plus_digits'
launcher = 'none'
seeds = [0, 1, 2]
teacher_kinds = ['vanilla']
cfg_options = {'train_cfg.val_interval': 30}
teachers = dict(resnet20=dict(vanilla='configs/vanilla/resnet20_digits.py'))
pairs = [dict(teacher='resnet20', student='resnet8', methods=dict(
    student='configs/vanilla/resnet8_digits.py',
    kd='configs/kd/kd_r20_r8_digits.py',
    fitnet='configs/fitnet/fitnet_r20_r8_digits.py',
    sokd_plus_fitnet='configs/sokd/sokd_plus_fitnet_r20_r8_digits.py',
    sokd_plus_kd='configs/sokd/sokd_plus_kd_r20_r8_digits.py'))]
