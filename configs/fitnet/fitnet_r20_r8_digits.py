# FitNet, ResNet20 -> ResNet8 on the embedded digits dataset, hint at the stage-2 output
# (layer2, 32x16x16 both), as the references do.
_base_ = [
    '../_base_/distill/fitnet.py', '../_base_/datasets/digits.py',
    '../_base_/schedules/digits_30e.py', '../_base_/default_runtime.py'
]
from sokd_mm.utils import base_model  # noqa: E402

default_scope = 'mmrazor'
model = dict(
    architecture=base_model('resnet8', num_classes=10),
    teacher=base_model('resnet20', num_classes=10),
    distiller=dict(
        connectors=dict(
            hint_connector=dict(student_shape=(32, 16, 16), teacher_shape=(32, 16, 16)))))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
