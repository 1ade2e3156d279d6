"""Problems found in the inputs, and the one exception that carries them to the CLI.

Loaders and checks *collect* problems instead of stopping at the first one, so that a user
sees everything wrong in one run. `DraftError` is raised once, when the stage that found errors
cannot go on; `draft.py` turns it into exit status 1 in a single place.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from drafting.model import Location

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (error) or doubtful (warning) in the inputs."""

    severity: Severity
    code: str
    """Stable identifier, e.g. "unknown-source"; documented in the README."""
    message: str
    """Plain words: what is wrong and what to do about it."""
    location: Location | None = None
    claim: str = ""
    source: str = ""

    def format(self, base: Path | None = None) -> str:
        """Compiler style: `file:line:col: error[code] claim 'x', source 'y': message`."""
        where = ""
        if self.location is not None:
            where = display_path(self.location.file, base)
            if self.location.line is not None:
                where += f":{self.location.line}"
                if self.location.column is not None:
                    where += f":{self.location.column}"
            where += ": "
        subject = ", ".join(
            part
            for part in (
                f"claim '{self.claim}'" if self.claim else "",
                f"source '{self.source}'" if self.source else "",
            )
            if part
        )
        subject = f"{subject}: " if subject else ""
        line = f"{where}{self.severity}[{self.code}] {subject}{self.message}"
        # a lone surrogate from the input would make printing the message itself fail
        return line.encode("utf-8", "backslashreplace").decode("utf-8")


def error(code: str, message: str, location: Location | None = None, **who: str) -> Problem:
    return Problem("error", code, message, location, **who)


def warning(code: str, message: str, location: Location | None = None, **who: str) -> Problem:
    return Problem("warning", code, message, location, **who)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the user would type it, with / separators: relative to `base` (default: the
    current folder) when inside it, else absolute."""
    base = base or Path.cwd()
    try:
        relative = os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


class DraftError(Exception):
    """The inputs cannot be built; `problems` says why (at least one is an error)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def fail(code: str, message: str, location: Location | None = None, **who: str) -> DraftError:
    """A `DraftError` holding one error, for problems that stop a stage outright."""
    return DraftError([error(code, message, location, **who)])


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for the closest known name, or "" when none is close."""
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
