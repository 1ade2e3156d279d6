"""Is an archived snapshot still what was archived? One judgement, in one set of words.

The audit (`archive-changed`, `missing-digest`, `missing-snapshot`), `draft sources list`
and the review page all answer this question; they use `digest_state` so that a reviewer
reads the same word for the same file everywhere. The judgement is on the file's bytes
only: a snapshot whose text cannot be extracted still matches, or not, its recorded digest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from drafting.audit.snapshots import not_a_file
from drafting.files import digest
from drafting.model import Source

NO_SNAPSHOT: Final = "no snapshot"
"""The library names no archived file for the source."""
MISSING: Final = "missing"
"""The named file is not there (or is a folder, a pipe: not a file)."""
UNREADABLE: Final = "unreadable"
"""The file is there but cannot be read (permissions, an I/O error)."""
NOT_RECORDED: Final = "not recorded"
"""The library records no SHA-256 for it, so a change would go unnoticed."""
MATCHES: Final = "matches"
CHANGED: Final = "changed"
STATES: Final = (NO_SNAPSHOT, MISSING, UNREADABLE, NOT_RECORDED, MATCHES, CHANGED)


def digest_state(source: Source, actual: str | None = None) -> str:
    """One of `STATES` for `source`'s snapshot. `actual` is the SHA-256 of its bytes when the
    caller has read them already; otherwise they are read here (never a FIFO: `not_a_file`
    only looks at the file's type)."""
    return judge(source, (lambda _path: actual) if actual else None)[0]


def judge(source: Source, hasher: Callable[[Path], str | None] | None = None) -> tuple[str, str]:
    """The state of `source`'s snapshot and the SHA-256 of its bytes now ("" when they were
    not read). `hasher` gives a digest the caller already has (or None: read the file)."""
    if source.snapshot is None:
        return NO_SNAPSHOT, ""
    if not_a_file(source.snapshot) is not None:
        return MISSING, ""
    if not source.sha256:
        return NOT_RECORDED, ""
    actual = hasher(source.snapshot) if hasher else None
    if actual is None:
        try:
            actual = digest(source.snapshot.read_bytes())
        except OSError:
            return UNREADABLE, ""
    return (MATCHES if actual == source.sha256 else CHANGED), actual
