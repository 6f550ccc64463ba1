from .soteacher_classifier import SoTeacherClassifier

__all__ = ['SoTeacherClassifier']
