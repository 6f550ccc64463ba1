# SoKD-FitNet with our live DAM (LiveDistinctiveAreaModule: a heatmap target, bounded heads,
# mass-normalised L_DA), otherwise as sokd_fitnet_r20_r8_digits.py.
_base_ = ['../fitnet/fitnet_r20_r8_digits.py']

model = dict(
    type='SoKDDistill', search_epochs=5,
    distiller=dict(
        type='SoKDDistiller', hints=dict(hint='hint_connector'), dam='live',
        connectors=dict(hint_connector=dict(type='ThreeBlockConvRegConnector'))))
optim_wrapper = dict(constructor='SoKDOptimWrapperConstructor')  # + the policy's Adam
# SoKD's train_step (search, then the student step) runs through its own DDP wrapper.
model_wrapper_cfg = dict(type='mmrazor.SoKDDDP', find_unused_parameters=True)
