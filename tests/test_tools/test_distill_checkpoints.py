"""A distillation checkpoint holds its teacher: tools/test.py and --resume use it without the
teacher file; given as another run's teacher_ckpt it is refused with the export command."""
import os
import os.path as osp
import shutil

from tests.conftest import PYTHON, REPO, run_tool, small_cifar_options

KD = osp.join(REPO, 'configs/kd/kd_r56_r20_cifar100.py')


def test_distillation_checkpoint_without_the_teacher_file(train_tool, tmp_path, cifar100_root,
                                                           resnet56_ckpt):
    teacher = str(tmp_path / 'teacher.pth')
    shutil.copy(resnet56_ckpt, teacher)
    work = str(tmp_path / 'kd')
    opts = small_cifar_options(cifar100_root, batch=50)
    train_tool(KD, *opts, f'model.teacher_ckpt={teacher}', extra=['--work-dir', work])
    ckpt = osp.join(work, 'epoch_1.pth')
    os.remove(teacher)  # the teacher file is gone; the checkpoint still holds the teacher

    proc = run_tool([PYTHON, osp.join(REPO, 'tools', 'test.py'), KD, ckpt, '--work-dir',
                     str(tmp_path / 't'), '--out', str(tmp_path / 'm.json'), '--cfg-options',
                     *opts, f'model.teacher_ckpt={teacher}'])
    assert osp.isfile(tmp_path / 'm.json'), proc.stderr[-2000:]
    # The checkpoint brings its teacher: no warning about a random one.
    assert 'random initialisation' not in proc.stdout + proc.stderr

    resumed = train_tool(KD, *[o for o in opts if 'max_epochs' not in o],
                         'train_cfg.max_epochs=2', f'model.teacher_ckpt={teacher}',
                         extra=['--work-dir', work, '--resume', '--allow-change',
                                'train_cfg.max_epochs'])
    assert osp.isfile(osp.join(work, 'epoch_2.pth')), resumed.stderr[-2000:]
    assert 'random initialisation' not in resumed.stdout + resumed.stderr

    # Another run given this checkpoint as its teacher is told how to export the right part.
    proc = train_tool(KD, *opts, f'model.teacher_ckpt={ckpt}',
                      extra=['--work-dir', str(tmp_path / 'other')], check=False)
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 1 and 'is a distillation checkpoint' in last, last
    assert 'tools/export_weights.py' in last and '--part student' in last
