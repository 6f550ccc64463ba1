"""mmrazor's CRDLoss, fed with plain data samples, with its loss weight applied.

mmrazor's ``CRDLoss`` expects ``sample_idx`` and ``contrast_sample_idxs`` as tensors on each
data sample, but mmpretrain's ``PackInputs`` keeps ``sample_idx`` as an int and the contrast
indices (added by mmrazor's ``CRDDataset``) as a numpy array. This subclass converts them; the
contrastive objective itself is mmrazor's. mmrazor 1.0's ``CRDLoss`` stores ``loss_weight`` but
never multiplies by it (the references weigh CRD 0.8): this subclass applies it.
"""
import torch
from mmrazor.models.losses import CRDLoss
from mmrazor.registry import MODELS

from sokd_mm.errors import ConfigError


@MODELS.register_module()
class PackedCRDLoss(CRDLoss):

    def forward(self, s_feats, t_feats, data_samples):
        device = s_feats.device
        for sample in data_samples:
            if 'sample_idx' not in sample:
                raise ConfigError('CRD needs sample_idx on each data sample (keep it in '
                                 "PackInputs' meta_keys).")
            sample.set_metainfo(dict(sample_idx=torch.as_tensor(sample.sample_idx,
                                                                 device=device)))
            if 'contrast_sample_idxs' in sample:
                sample.set_metainfo(dict(contrast_sample_idxs=torch.as_tensor(
                    sample.contrast_sample_idxs, device=device)))
        return self.loss_weight * super().forward(s_feats, t_feats, data_samples)
