"""Deprecated location: `tools/analysis/teacher_quality.py` is now
`tools/analysis_tools/teacher_quality.py` (mmpretrain's folder name). This forwarder runs it and
will be removed in the next release."""
import os.path as osp
import runpy
import sys

NEW = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'analysis_tools',
               'teacher_quality.py')

if __name__ == '__main__':
    print('Deprecated: tools/analysis/teacher_quality.py moved to '
          'tools/analysis_tools/teacher_quality.py; this path will be removed in the next release.',
          file=sys.stderr)
    sys.argv[0] = NEW
    runpy.run_path(NEW, run_name='__main__')
