"""The exception every dataset raises for a user's data problem (missing, corrupt, wrong)."""

from sokd_mm.errors import SokdError


class DatasetError(SokdError, RuntimeError):
    """Data missing, corrupt or of the wrong kind; the message says how to fix it."""
