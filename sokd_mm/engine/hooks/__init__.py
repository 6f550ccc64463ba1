from .soteacher_hook import SoTeacherHook

__all__ = ['SoTeacherHook']
