"""Problems found in the inputs, and the one exception that carries them to the CLI.

Loaders and checks *collect* problems instead of stopping at the first one, so that a user
sees everything wrong in one run. `DraftError` is raised once, when the stage that found errors
cannot go on; `draft.py` turns it into exit status 1 in a single place.
"""

from __future__ import annotations

import os
import re
import unicodedata
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

    def __post_init__(self) -> None:
        # Messages quote the inputs (snapshot text, keys, file names): a page could carry
        # terminal escape sequences that erase or fake the lines a reviewer reads. Escaped
        # here, every output (terminal, JSON, Markdown audit) shows them as visible codes.
        for name in ("message", "claim", "source"):
            object.__setattr__(self, name, escape_controls(getattr(self, name)))

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


_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""C0 and C1 controls (ESC starts terminal sequences), line separators, and the bidirectional
controls that reorder what a terminal shows."""


def escape_controls(text: str) -> str:
    """`text` with control characters written as visible escapes (\\x1b, \\u202e)."""

    def visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROLS.sub(visible, text)


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
    """ " (did you mean 'x'?)" for the closest known name, or "" when none is close.

    When the two look alike (a Cyrillic 'а' for a Latin 'a', an invisible space), it also says
    which character differs: otherwise the suggestion reads exactly like what was typed.
    """
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if not close:
        return ""
    differs = _difference(word, close[0])
    return f" (did you mean '{close[0]}'?{' ' + differs if differs else ''})"


def _difference(typed: str, known: str) -> str:
    if len(typed) == len(known):
        diffs = [(i, a, b) for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        # a plain typo (saratof) is visible; a non-ASCII stand-in (Cyrillic а) is not
        if 0 < len(diffs) <= 3 and any(not (a + b).isascii() for _, a, b in diffs):
            return "; ".join(
                f"character {i + 1} is {_describe(a)} where the name has {_describe(b)}"
                for i, a, b in diffs
            )
    hidden = [c for c in typed if unicodedata.category(c) in ("Cf", "Zs", "Mn") and c != " "]
    if hidden:
        return f"what you typed contains the invisible character {_describe(hidden[0])}"
    return ""


def _describe(char: str) -> str:
    name = unicodedata.name(char, "") or unicodedata.category(char)
    shown = char if char.isprintable() and not char.isspace() else ""
    return f"'{shown}' U+{ord(char):04X} ({name})" if shown else f"U+{ord(char):04X} ({name})"
