"""The quickstart (`make demo`): on the embedded digits dataset, train a teacher, then distill
students from it, and print the results table. Finished runs are reused on a re-run; an
interrupted run resumes. `python tools/demo.py [--work-dir work_dirs/demo] [--epochs N]`."""
import argparse
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import sokd_mm  # noqa: E402,F401
from sokd_mm.apis.pipeline import RunSpec, results_table, run_pipeline  # noqa: E402


def demo_specs(epochs: int = None) -> list:
    def cfg(path: str) -> str:
        return osp.join(REPO, 'configs', path)

    opts = {} if epochs is None else {'train_cfg.max_epochs': epochs,
                                      'train_cfg.val_interval': 1}
    opts = dict(opts, **{'default_hooks.logger.interval': 10})
    return [
        RunSpec('teacher_resnet20', cfg('vanilla/resnet20_digits.py'), 'teacher', options=opts),
        RunSpec('teacher_resnet20_soteacher', cfg('soteacher/soteacher_resnet20_digits.py'),
                'teacher', options=opts),
        RunSpec('student_resnet8_vanilla', cfg('vanilla/resnet8_digits.py'), 'student',
                options=opts),
        RunSpec('student_resnet8_kd', cfg('kd/kd_r20_r8_digits.py'), 'student',
                teacher_from='teacher_resnet20', options=opts),
        RunSpec('student_resnet8_fitnet', cfg('fitnet/fitnet_r20_r8_digits.py'), 'student',
                teacher_from='teacher_resnet20', options=opts),
        RunSpec('student_resnet8_sokd_fitnet', cfg('sokd/sokd_fitnet_r20_r8_digits.py'),
                'student', teacher_from='teacher_resnet20', options=opts),
        RunSpec('student_resnet8_sokd_kd', cfg('sokd/sokd_kd_r20_r8_digits.py'), 'student',
                teacher_from='teacher_resnet20', options=opts),
        RunSpec('student_resnet8_kd_from_soteacher', cfg('kd/kd_r20_r8_digits.py'), 'student',
                teacher_from='teacher_resnet20_soteacher', options=opts),
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--work-dir', default=osp.join('work_dirs', 'demo'))
    parser.add_argument('--epochs', type=int, help='shorten every run (default: configs)')
    args = parser.parse_args(argv)
    start = time.time()
    results = run_pipeline(demo_specs(args.epochs), args.work_dir)
    print('\n' + results_table(results))
    print(f'\nDone in {time.time() - start:.0f} s. Results: {args.work_dir}/results.md, '
          f'{args.work_dir}/results.json; logs and checkpoints in {args.work_dir}/<run>/.')


if __name__ == '__main__':
    main()
