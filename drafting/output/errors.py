"""The one exception that says "writing an output failed", whatever the OS said.

A build reads many files and writes a few; the same `OSError` (no space, no permission, a
read-only disk) means "fix the output folder" when writing and "fix the workspace" when
reading. The writing entry points of this stage re-raise every `OSError` as `OutputWriteError`,
so `files.os_problem` words it as `cannot-write` by its type, not by guessing from where in
the code it was raised.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class OutputWriteError(OSError):
    """An `OSError` raised while writing outputs (an `OSError` still, for existing handlers)."""


def writing(function: Callable[P, R]) -> Callable[P, R]:
    """`function` writes outputs: any `OSError` it raises becomes `OutputWriteError`."""

    @wraps(function)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except OutputWriteError:
            raise
        except OSError as exc:
            raise as_write_failure(exc) from exc

    return wrapped


def as_write_failure(exc: OSError) -> OutputWriteError:
    """The same error (number, message, file names) as a `OutputWriteError`."""
    failed = OutputWriteError(*exc.args)
    failed.filename = exc.filename
    failed.filename2 = exc.filename2
    return failed
