"""The exception every dataset raises for a user's data problem (missing, corrupt, wrong)."""


class DatasetError(RuntimeError):
    """Data missing, corrupt or of the wrong kind; the message says how to fix it."""
