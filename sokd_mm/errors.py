"""One base for the failures whose message says what went wrong and how to fix it.

Every error sokd_mm raises for a user mistake (config, data, checkpoint, hyperparameter) or a
stop it decides on (non-finite loss, failed save) derives from :class:`SokdError` as well as from
the built-in class it always had (``ValueError``, ``RuntimeError`` ...), so existing ``except``
clauses keep working. The command-line tools print these messages alone, without a traceback
(``SOKD_DEBUG=1`` shows it).
"""


class SokdError(Exception):
    """A failure with a message meant for the user."""


class ConfigError(SokdError, ValueError):
    """A config value out of range or of the wrong kind (hyperparameters, architectures)."""


class SpecError(SokdError, ValueError):
    """A matrix SPEC, or a study work dir, that cannot be run or collected as written."""


class RunFailedError(SokdError, RuntimeError):
    """A run the matrix started (training or testing a cell) failed; its log says why."""
