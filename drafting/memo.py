"""Results of earlier runs, kept so that a rebuild redoes only what its inputs changed.

A memo holds values under keys that are digests of *everything* the value was computed
from: the inputs themselves (a claim's quote and locator, a snapshot's SHA-256, a note's
arguments), plus `code_version()`, a digest of this package's own source and the Python
version, plus whatever library versions the caller names. So a hit is, by construction,
what computing the value again would give; a changed input, a changed `draft` or a changed
library is a different key, never a stale value.

One memo is one JSON file per kind and scope (a report folder, an edition) in the user's
cache folder (`audit.cache.default_folder()`), loaded once per run. Saving keeps only the
entries this run used or added, so a memo never outgrows its brief, and nothing is written
when a run only hit. Files are JSON, never pickle (the cache folder may be writable by
other programs), and replaced atomically; a missing, corrupt or unreadable memo is empty,
and one that cannot be written only means no memo next time: a memo never makes a run fail.
Callers must treat a value of the wrong shape as a miss: the file is outside our control.

`DRAFT_NO_CACHE=1` turns every memo (and the snapshot cache) off, for a reviewer who wants
every result computed afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from drafting.audit.cache import default_folder, write_quietly

FORMAT = 1
"""The layout of a memo file; a file of another layout is an empty memo."""


@cache
def code_version() -> str:
    """A digest of every module of this package and of the Python version: a change to
    `draft` itself (an upgrade, a local edit) starts every memo afresh."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def versions(*names: str) -> tuple[str, ...]:
    """`name=version` of each distribution (`name=none` when it is not installed): the key
    part for results a library's behaviour shapes. Looked up once per process, since each
    lookup lists site-packages."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return tuple(found)


def digest(*parts: object) -> str:
    """The key for a value computed from `parts` (JSON-serialisable) by this `draft`."""
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=_unknown)
    data = (code_version() + text).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _unknown(value: object) -> object:
    raise TypeError(f"a memo key part must be JSON: {type(value).__name__}")


class Memo:
    """The entries of one kind for one scope; `get` and `put` in memory, `save` once."""

    def __init__(self, kind: str, scope: str, folder: Path | None = None) -> None:
        root = folder if folder is not None else default_folder()
        name = hashlib.sha256(f"{kind}\0{scope}".encode("utf-8", "surrogatepass")).hexdigest()
        self.path = None if root is None else root / "memo" / f"{kind}-{name[:24]}.json"
        self._loaded: dict[str, Any] | None = None
        self._kept: dict[str, Any] = {}
        self._added = False

    def get(self, key: str) -> Any | None:
        """The value stored under `key` by an earlier run or this one, or None."""
        if key in self._kept:
            return self._kept[key]
        value = self._entries().get(key)
        if value is not None:
            self._kept[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep `value` (JSON-serialisable, not None) under `key` for later runs."""
        self._kept[key] = value
        self._added = True

    def save(self) -> None:
        """Write the entries this run used or added, unless they are exactly what was read."""
        if self.path is None or not (self._added or len(self._kept) != len(self._entries())):
            return
        data = json.dumps(
            {"format": FORMAT, "entries": self._kept}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8", "surrogatepass")
        write_quietly(self.path, data)  # or no memo next time: slower, never failed

    def _entries(self) -> dict[str, Any]:
        if self._loaded is None:
            self._loaded = _read(self.path)
        return self._loaded


def _read(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with path.open("rb") as handle:
            stored = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}
