"""Print the whole config after `_base_` inheritance and --cfg-options, as MMEngine resolves it:
`python tools/misc/print_config.py CONFIG [--cfg-options k=v ...] [--save-path out.py]`."""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import sokd_mm  # noqa: E402,F401
from mmengine.config import DictAction  # noqa: E402

from sokd_mm.apis import load_config  # noqa: E402
from sokd_mm.errors import SokdError  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parser.add_argument('--save-path', help='also write the resolved config to this .py file')
    args = parser.parse_args(argv)
    try:
        cfg = load_config(args.config, args.cfg_options)
    except SokdError as error:
        raise SystemExit(f'Error: {error}') from None
    print(cfg.pretty_text)
    if args.save_path:
        cfg.dump(args.save_path)
        print(f'Written: {args.save_path}')


if __name__ == '__main__':
    main()
