"""What a run does when its work dir cannot be written: one line naming the cause and the fix.

Python's logging reports a failed write (a full disk, say) by printing a traceback per record
and carrying on, so a run would print three ``--- Logging error ---`` blocks and keep training
without a log. :func:`stop_on_log_write_errors` makes the first failed write of the work dir's
log stop the run with :class:`LogWriteError` instead.
"""
import errno
import logging
import sys

from sokd_mm.errors import SokdError


class LogWriteError(SokdError, OSError):
    """The run's log file could not be written."""


def save_error_advice(error: OSError) -> str:
    """What to do about a failed write into the work dir, from its cause."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return 'The disk (or your quota) is full: free space in the work dir.'
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return 'The work dir is not writable: fix its permissions or pass another --work-dir.'
    if error.errno == errno.ENOENT:
        return ('A file being written vanished: another process is probably using this work '
                'dir; give each run its own --work-dir.')
    return 'Check the work dir\'s file system.'


def stop_on_log_write_errors(logger: logging.Logger) -> None:
    """Make every file handler of ``logger`` raise :class:`LogWriteError` when writing fails."""
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler):
            def handle_error(record, handler=handler) -> None:
                error = sys.exc_info()[1]
                if isinstance(error, OSError):
                    raise LogWriteError(f'writing the log {handler.baseFilename} failed: '
                                        f'{error.strerror or error}. '
                                        f'{save_error_advice(error)}') from None
                logging.FileHandler.handleError(handler, record)
            handler.handleError = handle_error
