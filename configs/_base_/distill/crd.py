# Contrastive representation distillation (Tian et al. 2020): mmrazor's CRD connectors and
# memory (16384 negatives, 128-d embeddings, temperature 0.07), weight 0.8, CE weight 1, as in
# RepDistiller. The training set must be wrapped by mmrazor's CRDDataset (see crd_* configs).
_base_ = ['./single_teacher.py']
model = dict(
    distiller=dict(
        type='ValidatedDistiller',
        student_recorders=dict(
            embedding=dict(type='ModuleOutputs', source='neck.gap'),
            data_samples=dict(type='ModuleInputs', source='')),
        teacher_recorders=dict(embedding=dict(type='ModuleOutputs', source='neck.gap')),
        connectors=dict(
            crd_student=dict(type='CRDConnector', dim_in=None, dim_out=128),
            crd_teacher=dict(type='CRDConnector', dim_in=None, dim_out=128)),
        distill_losses=dict(
            loss_crd=dict(type='PackedCRDLoss', loss_weight=0.8, temperature=0.07,
                          neg_num=16384, sample_n=50000, dim_out=128, momentum=0.5)),
        loss_forward_mappings=dict(
            loss_crd=dict(
                s_feats=dict(from_student=True, recorder='embedding', connector='crd_student'),
                t_feats=dict(from_student=False, recorder='embedding', connector='crd_teacher'),
                data_samples=dict(from_student=True, recorder='data_samples', data_idx=1)))))
