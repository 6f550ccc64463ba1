# Hinton KD on logits (mmrazor's KLDivergence on the recorded `head.fc` outputs), temperature 4.
# Weights follow RepDistiller: CE 0.1 (student_loss_weight), KD 0.9. The SoTeacher authors'
# student runs use 0.5 / 0.5: set model.student_loss_weight=0.5 and
# model.distiller.distill_losses.loss_kd.loss_weight=0.5.
_base_ = ['./single_teacher.py']
model = dict(
    student_loss_weight=0.1,
    distiller=dict(
        type='ValidatedDistiller',
        student_recorders=dict(logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=4, loss_weight=0.9, reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))
