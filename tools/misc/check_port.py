"""Exit 1 with one ``Error:`` line when the rendezvous port of tools/dist_*.sh is taken.

torchrun reports a busy ``--master_port`` as a traceback from its TCPStore (EADDRINUSE) after
importing torch; this check, run by the launch scripts first on the node that hosts the store,
says the same in one line and names a free port to use instead.

    python tools/misc/check_port.py PORT [SCRIPT]   (SCRIPT, named in the hint: dist_train.sh)
"""
import socket
import sys


def port_is_free(port: int) -> bool:
    """Whether a listening socket can bind ``port`` as torch's TCPStore does (all interfaces,
    SO_REUSEADDR, so a port a finished job left in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(('', port))
        except OSError:
            return False
    return True


def main(argv: list) -> int:
    if len(argv) not in (1, 2) or not argv[0].isdigit() or not 0 < int(argv[0]) < 65536:
        given = argv[0] if argv else ''
        print(f'Error: PORT={given} is not a port number; set PORT to a number between 1024 '
              'and 65535 (default 29500).', file=sys.stderr)
        return 1
    port = int(argv[0])
    script = argv[1] if len(argv) == 2 else 'tools/dist_train.sh'
    if port_is_free(port):
        return 0
    free = next((p for p in range(port + 1, min(port + 200, 65536)) if port_is_free(p)), None)
    hint = f'PORT={free} bash {script} ...' if free else f'PORT=<a free port> bash {script} ...'
    print(f'Error: port {port} (PORT, the rendezvous port of the processes) is in use on this '
          f'machine, by another distributed job or one still ending; start this one on a free '
          f'port: {hint}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
