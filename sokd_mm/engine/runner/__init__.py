from .device_resident_loop import DeviceResidentTrainLoop
from .resumable_loop import ResumableEpochBasedTrainLoop

__all__ = ['ResumableEpochBasedTrainLoop', 'DeviceResidentTrainLoop']
