"""What SoKD transferred, as pictures: `python tools/analysis_tools/visualize_sokd.py CONFIG CKPT
[--out-dir DIR] [--num-images 4] [--cfg-options ...]` writes sokd_areas_<hint>.png (test
images, teacher feature before/after the learned augmentation, DAM heatmaps with their areas,
the mask) and sokd_policy_<hint>.png (the learned policy)."""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import sokd_mm  # noqa: E402,F401
from mmengine.config import DictAction  # noqa: E402

from sokd_mm.apis.visualize_sokd import visualize_sokd  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out-dir', help='default: <checkpoint dir>/sokd_vis')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    out_dir = args.out_dir or osp.join(osp.dirname(osp.abspath(args.checkpoint)), 'sokd_vis')
    try:
        paths = visualize_sokd(args.config, args.checkpoint, out_dir, args.num_images,
                               args.cfg_options)
    except (FileNotFoundError, ValueError) as e:
        raise SystemExit(str(e)) from None
    print('Written:\n  ' + '\n  '.join(paths))


if __name__ == '__main__':
    main()
