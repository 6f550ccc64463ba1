"""Deprecated location: `tools/analysis/get_flops.py` is now
`tools/analysis_tools/get_flops.py` (mmpretrain's folder name). This forwarder runs it and
will be removed in the next release."""
import os.path as osp
import runpy
import sys

NEW = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'analysis_tools',
               'get_flops.py')

if __name__ == '__main__':
    print('Deprecated: tools/analysis/get_flops.py moved to '
          'tools/analysis_tools/get_flops.py; this path will be removed in the next release.',
          file=sys.stderr)
    sys.argv[0] = NEW
    runpy.run_path(NEW, run_name='__main__')
