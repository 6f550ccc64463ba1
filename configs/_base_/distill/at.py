# Attention transfer (Zagoruyko & Komodakis): spatial attention maps of the three stages,
# mmrazor's ATLoss, weight 1000 each as in RepDistiller, next to the student's CE (weight 1).
_base_ = ['./single_teacher.py']
model = dict(
    distiller=dict(
        type='ValidatedDistiller',
        student_recorders=dict(
            s1=dict(type='ModuleOutputs', source='backbone.layer1'),
            s2=dict(type='ModuleOutputs', source='backbone.layer2'),
            s3=dict(type='ModuleOutputs', source='backbone.layer3')),
        teacher_recorders=dict(
            t1=dict(type='ModuleOutputs', source='backbone.layer1'),
            t2=dict(type='ModuleOutputs', source='backbone.layer2'),
            t3=dict(type='ModuleOutputs', source='backbone.layer3')),
        distill_losses=dict(
            loss_at1=dict(type='ATLoss', loss_weight=1000.0),
            loss_at2=dict(type='ATLoss', loss_weight=1000.0),
            loss_at3=dict(type='ATLoss', loss_weight=1000.0)),
        loss_forward_mappings=dict(
            loss_at1=dict(s_feature=dict(from_student=True, recorder='s1'),
                          t_feature=dict(from_student=False, recorder='t1')),
            loss_at2=dict(s_feature=dict(from_student=True, recorder='s2'),
                          t_feature=dict(from_student=False, recorder='t2')),
            loss_at3=dict(s_feature=dict(from_student=True, recorder='s3'),
                          t_feature=dict(from_student=False, recorder='t3')))))
