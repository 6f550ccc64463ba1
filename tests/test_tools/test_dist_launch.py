"""tools/dist_train.sh and dist_test.sh before torchrun: a taken rendezvous port is one
``Error:`` line naming a free port, not torchrun's EADDRINUSE traceback."""
import os.path as osp
import socket
import subprocess

import pytest

from tests.conftest import PYTHON, REPO, free_port


def _launch(script: str, port: str) -> subprocess.CompletedProcess:
    args = ['configs/kd/kd_r20_r8_fashion_mnist.py', '2']
    if script == 'dist_test.sh':
        args.insert(1, 'missing.pth')
    return subprocess.run(['bash', osp.join(REPO, 'tools', script), *args], cwd=REPO,
                          env={'PATH': '/usr/bin:/bin', 'PYTHON': PYTHON, 'PORT': port},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize('script', ['dist_train.sh', 'dist_test.sh'])
def test_a_taken_port_is_one_error_line_naming_a_free_one(script):
    port = free_port()
    with socket.socket() as holder:
        holder.bind(('127.0.0.1', port))
        holder.listen()
        done = _launch(script, str(port))
    assert done.returncode == 1 and done.stdout == ''
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f'Error: port {port} (PORT')
    suggested = int(lines[0].split('PORT=')[-1].split()[0])
    assert suggested > port and f'bash tools/{script} ...' in lines[0]


def test_a_port_that_is_no_number_is_refused():
    done = _launch('dist_train.sh', '29x00')
    assert done.returncode == 1
    assert done.stderr.strip() == ('Error: PORT=29x00 is not a port number; set PORT to a '
                                   'number between 1024 and 65535 (default 29500).')


def test_the_check_runs_on_its_own_for_a_port_a_user_names():
    port = free_port()
    check = [PYTHON, osp.join(REPO, 'tools', 'misc', 'check_port.py'), str(port)]
    assert subprocess.run(check, capture_output=True, text=True).returncode == 0
    with socket.socket() as holder:
        holder.bind(('127.0.0.1', port))
        holder.listen()
        taken = subprocess.run(check, capture_output=True, text=True)
    assert taken.returncode == 1
    assert 'bash tools/dist_train.sh ...' in taken.stderr.strip().splitlines()[0]
