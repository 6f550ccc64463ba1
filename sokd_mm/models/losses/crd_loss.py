"""mmrazor's CRDLoss, fed with plain data samples, with its loss weight applied.

mmrazor's ``CRDLoss`` expects ``sample_idx`` and ``contrast_sample_idxs`` as tensors on each
data sample, but mmpretrain's ``PackInputs`` keeps ``sample_idx`` as an int and the contrast
indices (added by mmrazor's ``CRDDataset``) as a numpy array. This subclass converts them; the
contrastive objective itself is mmrazor's. mmrazor 1.0's ``CRDLoss`` stores ``loss_weight`` but
never multiplies by it (the references weigh CRD 0.8): this subclass applies it, and refuses
a memory bank smaller than the indices it is given (``tools/train.py`` sizes it from the
training set: ``fit_crd_memory``).
"""
import numpy as np
import torch
from mmrazor.models.losses import CRDLoss

from sokd_mm.errors import ConfigError
from sokd_mm.registry import DISTILL_MODELS


@DISTILL_MODELS.register_module()
class PackedCRDLoss(CRDLoss):

    def forward(self, s_feats, t_feats, data_samples):
        device = s_feats.device
        rows, last = self.contrast.memory_v1.size(0), -1
        for sample in data_samples:
            if 'sample_idx' not in sample:
                raise ConfigError('CRD needs sample_idx on each data sample (keep it in '
                                 "PackInputs' meta_keys).")
            # Checked on the host values (numpy / int) as they move to the device; a sample
            # seen before (SoKD's search reads the losses twice) holds tensors already.
            for key in ('sample_idx', 'contrast_sample_idxs'):
                value = sample.get(key)
                if value is not None and not isinstance(value, torch.Tensor):
                    last = max(last, int(np.max(value)))
                    sample.set_metainfo({key: torch.as_tensor(value, device=device)})
        if last >= rows:
            raise ConfigError(f'CRD memory bank has {rows} rows (sample_n) but the training set '
                              f'has image {last}: set sample_n to the training set size or '
                              'train through tools/train.py, which sizes it.')
        return self.loss_weight * super().forward(s_feats, t_feats, data_samples)
