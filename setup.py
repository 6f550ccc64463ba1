"""sokd_mm: student-oriented knowledge distillation for OpenMMLab."""
from pathlib import Path

from setuptools import find_packages, setup


def read_requirements(name: str) -> list:
    lines = Path(__file__).parent.joinpath('requirements', name).read_text().splitlines()
    return [line.split('#')[0].strip() for line in lines if line.split('#')[0].strip()]


setup(
    name='sokd_mm',
    version='0.1.0',
    description='Student-oriented knowledge distillation (SoTeacher, SoKD) as an OpenMMLab plugin',
    long_description=Path(__file__).parent.joinpath('README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    python_requires='>=3.10,<3.13',
    install_requires=read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
    license='Apache-2.0',
)
