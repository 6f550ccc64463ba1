"""Where each kind of sokd_mm component is registered, in one module (as mmrazor keeps its
``mmrazor/registry``): every component file registers through a name from here.

The registries are OpenMMLab's own, chosen by the scope that builds the component:

- ``CLS_MODELS``, ``CLS_DATASETS`` (mmpretrain's): the CIFAR backbones, the SoTeacher
  classifier and the datasets, which mmpretrain's classifiers and data pipelines build;
- ``DISTILL_MODELS``, ``DISTILL_DATASETS``, ``DISTILL_WRAPPERS`` (mmrazor's): the distillation
  algorithms, distillers, connectors, DAMs, augmenters and distillation losses, CRD's dataset
  wrapper and SoKD's DDP wrapper, which mmrazor's algorithms build;
- ``SHARED_MODELS`` (mmengine's root): SoTeacher's losses, built from both scopes (by the
  SoTeacher classifier under mmpretrain's, and as distillation terms under mmrazor's): both
  registries fall back to their root;
- the runtime's (mmengine's): ``HOOKS``, ``LOOPS``, ``METRICS``, ``FUNCTIONS``,
  ``MODEL_WRAPPERS``, ``OPTIM_WRAPPERS``, ``OPTIM_WRAPPER_CONSTRUCTORS``.

Configs keep naming components by their class name under their ``default_scope``; the
registries are the same objects the libraries build from, so nothing about building changes.
"""
from mmengine.registry import FUNCTIONS, HOOKS, LOOPS, METRICS, MODEL_WRAPPERS
from mmengine.registry import MODELS as SHARED_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS
from mmpretrain.registry import DATASETS as CLS_DATASETS
from mmpretrain.registry import MODELS as CLS_MODELS
from mmrazor.registry import DATASETS as DISTILL_DATASETS
from mmrazor.registry import MODEL_WRAPPERS as DISTILL_WRAPPERS
from mmrazor.registry import MODELS as DISTILL_MODELS

__all__ = ['CLS_DATASETS', 'CLS_MODELS', 'DISTILL_DATASETS', 'DISTILL_MODELS',
           'DISTILL_WRAPPERS', 'FUNCTIONS', 'HOOKS', 'LOOPS', 'METRICS', 'MODEL_WRAPPERS',
           'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'SHARED_MODELS']
