# The algorithm every distillation method config shares: mmrazor single-teacher distillation
# with a strictly checked local teacher checkpoint. A method base (kd.py, fitnet.py, ...) adds
# its distiller; a pair config fills student and teacher with base_model(...).
model = dict(
    _scope_='mmrazor',
    type='StrictTeacherDistill',
    architecture=dict(),
    teacher=dict(),
    teacher_ckpt=None,
    student_loss_weight=1.0)
