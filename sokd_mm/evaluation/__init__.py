from .calibration import CalibrationMetric, calibration_stats

__all__ = ['CalibrationMetric', 'calibration_stats']
