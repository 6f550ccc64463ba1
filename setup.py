"""sokd_mm: student-oriented knowledge distillation for OpenMMLab."""
import shutil
import subprocess
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
SHIPPED = ('configs', 'tools', 'model-index.yml')  # what `mim` looks for in <package>/.mim


def tracked_files() -> list:
    """The files of SHIPPED that git tracks (a user's untracked configs or work files stay
    out of the wheel); every file under them outside a git checkout (an sdist)."""
    try:
        listed = subprocess.run(['git', 'ls-files', '-z', *SHIPPED], cwd=HERE, check=True,
                                capture_output=True).stdout.decode()
        return [name for name in listed.split('\0') if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [p for name in SHIPPED for p in ([HERE / name] if (HERE / name).is_file()
                                                 else (HERE / name).rglob('*'))]
        return [str(p.relative_to(HERE)) for p in paths
                if p.is_file() and '__pycache__' not in p.parts]


def ship_to_mim() -> None:
    """Copy configs/, tools/ and model-index.yml into the package as sokd_mm/.mim (what
    OpenMMLab packages do), so that an installed plugin trains with `mim train sokd_mm CONFIG`
    and finds its configs and base models; a checkout or an editable install reads them in
    place."""
    target = HERE / 'sokd_mm' / '.mim'
    files = tracked_files()
    if not files:
        return
    shutil.rmtree(target, ignore_errors=True)
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(HERE / name, target / name)


ship_to_mim()


def read_requirements(name: str) -> list:
    lines = HERE.joinpath('requirements', name).read_text().splitlines()
    return [line.split('#')[0].strip() for line in lines if line.split('#')[0].strip()]


setup(
    name='sokd_mm',
    version='0.1.0',
    description='Student-oriented knowledge distillation (SoTeacher, SoKD) as an OpenMMLab plugin',
    long_description=HERE.joinpath('README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools', 'benchmarks',
                                    'benchmarks.*')),
    package_data={'sokd_mm': ['.mim/model-index.yml', '.mim/configs/**/*', '.mim/tools/**/*']},
    python_requires='>=3.10,<3.13',
    install_requires=read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
    # the tools a user runs, installed on PATH (tools/<name>.py in a checkout: the same code)
    entry_points={'console_scripts': ['sokd-train = sokd_mm.cli.train:main',
                                      'sokd-test = sokd_mm.cli.test:main',
                                      'sokd-matrix = sokd_mm.cli.run_matrix:main']},
    license='Apache-2.0',
)
