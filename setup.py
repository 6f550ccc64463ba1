"""sokd_mm: student-oriented knowledge distillation for OpenMMLab."""
import shutil
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def ship_configs() -> None:
    """Copy configs/ into the package as sokd_mm/.mim/configs (what OpenMMLab packages do for
    `mim`), so that an installed plugin finds its configs and base models; a checkout or an
    editable install reads configs/ directly."""
    source, target = HERE / 'configs', HERE / 'sokd_mm' / '.mim' / 'configs'
    if source.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


ship_configs()


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
    package_data={'sokd_mm': ['.mim/configs/**/*.py']},
    python_requires='>=3.10,<3.13',
    install_requires=read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
    license='Apache-2.0',
)
