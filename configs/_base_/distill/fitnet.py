# FitNet: the student's hint-layer feature, mapped by a regressor (ConvRegConnector: conv +
# BN + ReLU) onto the teacher's, is pulled to it by a mean squared error, weight 100, next to
# the student's CE (weight 1), as in RepDistiller. A pair config names the hint modules
# (recorder `source`) and the two feature shapes (C, H, W); both references put the hint at
# the stage-2 output (RepDistiller `--hint_layer 2`, mdistiller `FITNET.HINT_LAYER: 2`).
_base_ = ['./single_teacher.py']
model = dict(
    distiller=dict(
        type='ValidatedDistiller',
        student_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        teacher_recorders=dict(hint=dict(type='ModuleOutputs', source='backbone.layer2')),
        connectors=dict(
            hint_connector=dict(type='ConvRegConnector', student_shape=None,
                                teacher_shape=None)),
        distill_losses=dict(
            loss_hint=dict(type='L2Loss', normalize=False, div_element=True, loss_weight=100)),
        loss_forward_mappings=dict(
            loss_hint=dict(
                s_feature=dict(from_student=True, recorder='hint', connector='hint_connector'),
                t_feature=dict(from_student=False, recorder='hint')))))
