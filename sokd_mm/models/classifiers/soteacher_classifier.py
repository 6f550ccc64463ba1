"""An mmpretrain ``ImageClassifier`` trained with SoTeacher's objective (``SoTeacherLoss``).

The loss needs more than a head sees: each sample's ``sample_idx`` (for the per-sample
ensemble) and the whole network (for the Lipschitz bound), so it is computed here, from the
head's logits, instead of by the head's own loss module (which is unused). At test time the
network is an ordinary classifier, and its checkpoint is an ordinary teacher checkpoint.
"""
from typing import Dict, List, Optional

import torch
from mmpretrain.models import ImageClassifier
from mmpretrain.structures import DataSample

from ..losses.soteacher_loss import SoTeacherConfigError
from sokd_mm.registry import CLS_MODELS


@CLS_MODELS.register_module()
class SoTeacherClassifier(ImageClassifier):
    """Args:
        soteacher_loss: config of ``SoTeacherLoss`` (its ensemble is sized from the training set).
        Everything else as ``ImageClassifier``.
    """

    def __init__(self, soteacher_loss: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.soteacher_loss = CLS_MODELS.build(soteacher_loss)

    def loss(self, inputs: torch.Tensor,
             data_samples: Optional[List[DataSample]] = None) -> Dict[str, torch.Tensor]:
        logits = self.head(self.extract_feat(inputs))
        if any('sample_idx' not in s for s in data_samples):
            raise SoTeacherConfigError(
                'SoTeacher needs each training sample\'s dataset index, but the data samples '
                'carry no sample_idx. Use an mmengine BaseDataset subclass and keep '
                "'sample_idx' in PackInputs' meta_keys (the default).")
        target = torch.cat([s.gt_label for s in data_samples]).to(logits.device)
        # On the host: the loss checks the indices there, with no GPU synchronisation.
        sample_idx = torch.tensor([int(s.sample_idx) for s in data_samples])
        return self.soteacher_loss(logits, target, sample_idx, self)
