# Decoupled KD (Zhao et al. 2022) as mdistiller runs it on CIFAR-100: mmrazor's DKD terms with
# the authors' linear warm-up over the first 20 epochs (WarmupDKDLoss), alpha 1, temperature 4,
# CE weight 1; beta is per pair (mdistiller configs/cifar100/dkd/*.yaml; 8 is its default).
_base_ = ['./single_teacher.py']
model = dict(
    distiller=dict(
        type='ValidatedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            # the head's loss module is called with (logits, labels): take the labels
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dkd=dict(type='WarmupDKDLoss', tau=4, alpha=1.0, beta=8.0, loss_weight=1.0,
                          warmup_epochs=20)),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits'),
                gt_labels=dict(from_student=True, recorder='gt_labels', data_idx=1)))))
