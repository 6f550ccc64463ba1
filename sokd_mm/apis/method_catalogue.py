"""The method catalogue: every method the toolkit ships, as data, read by the docs generator
(each ``configs/<key>/README.md`` and ``metafile.yml``), the time estimate (each run's cost
kind), the results tables (their row order) and the reference columns. A new method is one
``Method`` entry here plus its ``configs/<key>/`` folder.
"""
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Method:
    key: str                      # its configs/<key>/ folder and its configs' name prefix
    name: str                     # the metafile's collection name
    title: str                    # its README's title
    technique: str                # the metafile's training technique
    paper: Tuple[str, str]        # (title, URL)
    bibtex: str                   # a BIBTEX key
    cost: str                     # its step's cost kind (a time_estimate.RELATIVE key)
    guide: Optional[str] = None   # its user guide, if it has one
    aliases: Tuple[str, ...] = ()  # other names of it in a SPEC (the vanilla 'student')
    variant_costs: Tuple[Tuple[str, str], ...] = ()  # (config name prefix, cost kind)


# In the results tables' order (the papers': the student alone, then KD, FitNet, AT, CRD, DKD,
# ReviewKD; a SoKD variant follows its base). AT, CRD and ReviewKD steps are costed as FitNet's
# (a teacher forward plus feature terms; not measured apart).
CATALOGUE: Tuple[Method, ...] = (
    Method('vanilla', 'Vanilla',
           'Standard training with cross-entropy (the CIFAR model zoo of the CRD/RepDistiller '
           'suite)',
           technique='Cross-entropy',
           paper=('Contrastive Representation Distillation (the zoo and its recipe)',
                  'https://arxiv.org/abs/1910.10699'),
           bibtex='crd', cost='plain', aliases=('student',)),
    Method('kd', 'KD', 'KD: distilling the knowledge in a neural network',
           technique='Knowledge Distillation',
           paper=('Distilling the Knowledge in a Neural Network',
                  'https://arxiv.org/abs/1503.02531'),
           bibtex='kd', cost='kd'),
    Method('fitnet', 'FitNet', 'FitNet: hints for thin deep nets',
           technique='Knowledge Distillation',
           paper=('FitNets: Hints for Thin Deep Nets',
                  'https://arxiv.org/abs/1412.6550'),
           bibtex='fitnet', cost='fitnet'),
    Method('at', 'AT', 'AT: attention transfer',
           technique='Knowledge Distillation',
           paper=('Paying More Attention to Attention: Improving the Performance of '
                  'Convolutional Neural Networks via Attention Transfer',
                  'https://arxiv.org/abs/1612.03928'),
           bibtex='at', cost='fitnet'),
    Method('crd', 'CRD', 'CRD: contrastive representation distillation',
           technique='Knowledge Distillation',
           paper=('Contrastive Representation Distillation',
                  'https://arxiv.org/abs/1910.10699'),
           bibtex='crd', cost='fitnet'),
    Method('dkd', 'DKD', 'DKD: decoupled knowledge distillation',
           technique='Knowledge Distillation',
           paper=('Decoupled Knowledge Distillation',
                  'https://arxiv.org/abs/2203.08679'),
           bibtex='dkd', cost='kd'),
    Method('reviewkd', 'ReviewKD', 'ReviewKD: distilling knowledge via knowledge review',
           technique='Knowledge Distillation',
           paper=('Distilling Knowledge via Knowledge Review',
                  'https://arxiv.org/abs/2104.09044'),
           bibtex='reviewkd', cost='fitnet'),
    Method('soteacher', 'SoTeacher', 'SoTeacher: teachers trained for their students',
           technique='Lipschitz and consistency regularisation',
           paper=('Toward Student-Oriented Teacher Network Training for Knowledge Distillation',
                  'https://arxiv.org/abs/2206.06661'),
           bibtex='soteacher', cost='soteacher', guide='docs/en/user_guides/soteacher.md'),
    Method('sokd', 'SoKD', 'SoKD: student-oriented teacher knowledge refinement',
           technique='Knowledge Distillation',
           paper=('Student-Oriented Teacher Knowledge Refinement for Knowledge Distillation',
                  'https://doi.org/10.1145/3664647.3680595'),
           bibtex='sokd', cost='sokd', guide='docs/en/user_guides/sokd.md',
           variant_costs=(('sokd_plus_', 'sokd_plus'),)),
)
METHODS: Dict[str, Method] = {m.key: m for m in CATALOGUE}

# The architecture and dataset words of a config's file name (config_facts).
ARCH = {'r8': 'resnet8', 'r14': 'resnet14', 'r18': 'resnet18', 'r20': 'resnet20',
        'r32': 'resnet32', 'r34': 'resnet34', 'r44': 'resnet44', 'r56': 'resnet56',
        'r110': 'resnet110', 'r32x4': 'resnet32x4', 'r8x4': 'resnet8x4', 'r50': 'resnet50',
        'wrn40x2': 'wrn_40_2', 'wrn16x2': 'wrn_16_2', 'wrn40x1': 'wrn_40_1', 'vgg13': 'vgg13',
        'vgg8': 'vgg8', 'mv2': 'mobilenetv2', 'shv1': 'shufflev1', 'shv2': 'shufflev2'}
DATASETS = (('fashion_mnist', 'Fashion-MNIST'), ('tinyimagenet', 'Tiny-ImageNet'),
            ('cifar100', 'CIFAR-100'), ('imagenet', 'ImageNet'), ('digits', 'digits'))
# Published CIFAR-100 top-1 of the student: the CRD paper's table (REFERENCE, for KD, FitNet,
# AT, CRD and the plain networks) and the DKD and ReviewKD papers' tables.
PAPER = {
    'dkd': {('resnet56', 'resnet20'): 71.97, ('resnet110', 'resnet32'): 74.11,
            ('resnet32x4', 'resnet8x4'): 76.32, ('wrn_40_2', 'wrn_16_2'): 76.24,
            ('wrn_40_2', 'wrn_40_1'): 74.81, ('vgg13', 'vgg8'): 74.68},
    'reviewkd': {('resnet56', 'resnet20'): 71.89, ('resnet110', 'resnet32'): 73.89,
                 ('resnet32x4', 'resnet8x4'): 75.63, ('wrn_40_2', 'wrn_16_2'): 76.12,
                 ('wrn_40_2', 'wrn_40_1'): 75.09, ('vgg13', 'vgg8'): 74.84},
}
# docs/en/methods.md section 3 (CRD/RepDistiller, CIFAR-100 top-1): teacher, student, KD,
# FitNet, AT, CRD
REFERENCE = {
    ('wrn_40_2', 'wrn_16_2'): (75.61, 73.26, 74.92, 73.58, 74.08, 75.48),
    ('wrn_40_2', 'wrn_40_1'): (75.61, 71.98, 73.54, 72.24, 72.77, 74.14),
    ('resnet56', 'resnet20'): (72.34, 69.06, 70.66, 69.21, 70.55, 71.16),
    ('resnet110', 'resnet32'): (74.31, 71.14, 73.08, 71.06, 72.31, 73.48),
    ('resnet32x4', 'resnet8x4'): (79.42, 72.50, 73.33, 73.50, 73.44, 75.51),
    ('vgg13', 'vgg8'): (74.64, 70.36, 72.98, 71.02, 71.43, 73.94),
    ('resnet50', 'mobilenetv2'): (79.34, 64.60, 67.35, 63.16, 58.58, 69.11),
}
REFERENCE_COLUMNS = ('teacher', 'student', 'kd', 'fitnet', 'at', 'crd')

BIBTEX = {
    'crd': ('tian2020crd', 'Contrastive Representation Distillation',
            'Tian, Yonglong and Krishnan, Dilip and Isola, Phillip',
            'International Conference on Learning Representations (ICLR)', 2020),
    'soteacher': ('dong2024soteacher', 'Toward Student-Oriented Teacher Network Training for '
                  'Knowledge Distillation', 'Dong, Chengyu and Liu, Liyuan and Shang, Jingbo',
                  'International Conference on Learning Representations (ICLR)', 2024),
    'kd': ('hinton2015kd', 'Distilling the Knowledge in a Neural Network',
           'Hinton, Geoffrey and Vinyals, Oriol and Dean, Jeff',
           'NIPS Deep Learning and Representation Learning Workshop', 2015),
    'fitnet': ('romero2015fitnets', 'FitNets: Hints for Thin Deep Nets',
               'Romero, Adriana and Ballas, Nicolas and Kahou, Samira Ebrahimi and Chassang, '
               'Antoine and Gatta, Carlo and Bengio, Yoshua',
               'International Conference on Learning Representations (ICLR)', 2015),
    'at': ('zagoruyko2017at', 'Paying More Attention to Attention: Improving the Performance '
           'of Convolutional Neural Networks via Attention Transfer',
           'Zagoruyko, Sergey and Komodakis, Nikos',
           'International Conference on Learning Representations (ICLR)', 2017),
    'dkd': ('zhao2022dkd', 'Decoupled Knowledge Distillation',
            'Zhao, Borui and Cui, Quan and Song, Renjie and Qiu, Yiyu and Liang, Jiajun',
            'IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)', 2022),
    'reviewkd': ('chen2021reviewkd', 'Distilling Knowledge via Knowledge Review',
                 'Chen, Pengguang and Liu, Shu and Zhao, Hengshuang and Jia, Jiaya',
                 'IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)', 2021),
    'sokd': ('shen2024sokd', 'Student-Oriented Teacher Knowledge Refinement for Knowledge '
             'Distillation', 'Shen, Chaomin and Huang, Yaomin and Zhu, Haokun and Fan, Jinsong '
             'and Zhang, Guixu', 'Proceedings of the 32nd ACM International Conference on '
             'Multimedia', 2024),
}


def table_rank(method: str) -> int:
    """Where a SPEC's method (``kd``, ``student``, ``fitnet_w10_60e`` ...) sorts in a table:
    by the catalogue entry its first word names; methods of no entry last."""
    root = method.split('_')[0]
    for rank, entry in enumerate(CATALOGUE):
        if root == entry.key or root in entry.aliases:
            return rank
    return len(CATALOGUE)


def cost_kind(config: str, role: str) -> str:
    """The cost kind of a run, from its config's file name and role: a teacher's 'teacher'
    (a SoTeacher config's 'soteacher'); a student's the cost of the catalogue method whose
    prefix its name starts with (``kd_...``, ``sokd_plus_...``), the plain network's if none
    does (a vanilla config is named by its architecture, e.g. ``resnet8_digits.py``)."""
    name = config.replace('\\', '/').rsplit('/', 1)[-1]
    if role == 'teacher':
        return 'soteacher' if name.startswith(METHODS['soteacher'].key) else 'teacher'
    prefixes = [(prefix, kind) for m in CATALOGUE if m.key != 'soteacher'
                for prefix, kind in (*m.variant_costs, (f'{m.key}_', m.cost))]
    for prefix, kind in sorted(prefixes, key=lambda p: -len(p[0])):
        if name.startswith(prefix):
            return kind
    return METHODS['vanilla'].cost


def config_facts(path: str) -> Tuple[str, Optional[str], Optional[str]]:
    """(dataset label, teacher arch, student arch) read from a config's file name."""
    stem = osp.splitext(osp.basename(path))[0]
    dataset = next((label for key, label in DATASETS if f'_{key}' in stem), '-')
    codes = [ARCH[t] for t in stem.split('_') if t in ARCH]
    if len(codes) >= 2:
        return dataset, codes[0], codes[1]
    arch = re.sub(r'^soteacher_', '', stem)
    key = next((k for k, _ in DATASETS if f'_{k}' in arch), None)
    arch = arch.split(f'_{key}')[0] if key else arch
    return dataset, None, arch


def reference_top1(method: str, path: str) -> Optional[float]:
    """The published CIFAR-100 top-1 of ``method``'s student for the config at ``path``
    (the CRD table, or the DKD / ReviewKD papers'), or None."""
    dataset, teacher, student = config_facts(path)
    if dataset != 'CIFAR-100' or '_480e' in path or method in ('soteacher', 'sokd'):
        return None  # the CRD table has no SoTeacher or SoKD rows
    if teacher is None:  # a plain network: the CRD table's teacher and student columns
        for (t, s), numbers in REFERENCE.items():
            if student in (t, s):
                return numbers[0] if student == t else numbers[1]
        return None
    if method in PAPER:
        return PAPER[method].get((teacher, student))
    numbers = REFERENCE.get((teacher, student))
    if numbers and method in REFERENCE_COLUMNS:
        return numbers[REFERENCE_COLUMNS.index(method)]
    return None
