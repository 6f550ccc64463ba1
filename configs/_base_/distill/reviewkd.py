# ReviewKD (Chen et al. 2021): attention-based fusion of the student's stages, deepest first,
# compared stage by stage with the teacher by the hierarchical context loss (ReviewKDLoss), CE
# weight 1, with the authors' 20-epoch linear warm-up. The HCL weight is per pair (1.0 here,
# mdistiller's default and its ImageNet value; the ReviewKD authors' CIFAR-100 script uses 0.6
# for ResNet56 -> ResNet20, 1.0 for ResNet110 -> ResNet32, 5.0 for ResNet32x4 -> ResNet8x4 and
# the WRNs). A pair config names the stages and their widths.
_base_ = ['./single_teacher.py']
model = dict(
    distiller=dict(
        type='ValidatedDistiller',
        distill_losses=dict(
            loss_review=dict(type='ReviewKDLoss', in_channels=None, out_channels=None,
                             mid_channels=64, loss_weight=1.0, warmup_epochs=20))))
