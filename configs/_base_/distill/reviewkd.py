# ReviewKD (Chen et al. 2021): attention-based fusion of the student's stages, deepest first,
# compared stage by stage with the teacher by the hierarchical context loss (ReviewKDLoss),
# weight 1, CE weight 1. A pair config names the stages and their widths.
_base_ = ['./single_teacher.py']
model = dict(
    distiller=dict(
        type='ValidatedDistiller',
        distill_losses=dict(
            loss_review=dict(type='ReviewKDLoss', in_channels=None, out_channels=None,
                             mid_channels=64, loss_weight=1.0))))
