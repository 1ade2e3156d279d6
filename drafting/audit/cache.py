"""A disk cache of extracted snapshot text, keyed by the digest of the snapshot's bytes.

Archived snapshots never change (their SHA-256 is recorded in the library), so what was
extracted from a file's bytes once holds for those bytes for ever: the key is the digest of
the bytes read now plus the extractor's version, so a changed file or a newer extractor
never meets a stale entry. Entries are JSON (never pickle: the folder is writable by other
programs), written to a temporary file and renamed into place, so a reader sees a whole
entry or none. A missing, corrupt or unreadable entry is a miss; a cache folder that cannot
be written (a read-only home, a full disk) only means no caching: the cache never makes a
build fail.

Folder: none when `$DRAFT_NO_CACHE` is set (to anything but 0); else `$DRAFT_CACHE_DIR` if
set, else the platform's cache folder (`$XDG_CACHE_HOME/draft` or `~/.cache/draft`;
`%LOCALAPPDATA%\\draft\\Cache` on Windows). Never the workspace's `sources/`: the archive
holds only what the library records.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTRY_FORMAT = 1
"""The layout of an entry file; an entry of another layout is a miss."""
TEMPORARY_PREFIX = ".tmp-"
STALE_SECONDS = 3600
"""A temporary entry file this old was left by a process that was killed mid-write (a
write takes milliseconds); it is removed when another entry is written beside it."""


@dataclass(frozen=True, slots=True)
class DiskCache:
    """JSON entries under `folder`; `folder` None disables caching."""

    folder: Path | None

    def load(self, key: str) -> dict[str, Any] | None:
        """The value stored under `key`, or None (missing, corrupt or unreadable)."""
        path = self._path(key)
        if path is None:
            return None
        try:
            with path.open("rb") as handle:
                entry = json.load(handle)
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
            return None
        if entry.get("key") != key or not isinstance(entry.get("value"), dict):
            return None  # a hash collision of names is impossible in practice; a copy is not
        value: dict[str, Any] = entry["value"]
        return value

    def store(self, key: str, value: dict[str, Any]) -> None:
        """Store `value` under `key`, atomically; any failure to write is ignored."""
        path = self._path(key)
        if path is None:
            return
        data = json.dumps({"format": ENTRY_FORMAT, "key": key, "value": value}).encode()
        write_quietly(path, data)  # no cache this time: a slower audit, never a failed one

    def _path(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        name = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / "snapshots" / name[:2] / f"{name}.json"


def write_quietly(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` atomically (a reader sees the whole file or none); False,
    never an exception, when it cannot be written: caches and memos only save time."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep(path.parent)
        fd, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".json", dir=path.parent)
        temporary = Path(name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        temporary.replace(path)
        temporary = None
        return True
    except OSError:
        return False
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def sweep(folder: Path) -> None:
    """Remove temporary files that killed processes left in `folder`."""
    now = time.time()
    for leftover in folder.glob(f"{TEMPORARY_PREFIX}*.json"):
        with contextlib.suppress(OSError):
            if now - leftover.lstat().st_mtime > STALE_SECONDS:
                leftover.unlink()


def default_folder() -> Path | None:
    """The cache folder for this user and platform, or None when there is no home."""
    if os.environ.get("DRAFT_NO_CACHE", "") not in ("", "0"):
        return None  # every result computed afresh (a reviewer's choice)
    explicit = os.environ.get("DRAFT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "draft" / "Cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG rule: a relative value is ignored
        return Path(xdg) / "draft"
    try:
        return Path.home() / ".cache" / "draft"
    except (RuntimeError, KeyError):
        return None


def default_cache() -> DiskCache:
    """The user's disk cache (read from the environment each time, so tests can set it)."""
    return DiskCache(default_folder())
