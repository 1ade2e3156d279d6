"""Writing output files: all or nothing, never a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target.

    A rename within one folder is atomic, so a reader (or an interrupted build) sees either
    the old file or the new one, never a partial file.
    """
    tmp = _stage(path, data)
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_all(outputs: Mapping[Path, bytes]) -> None:
    """Write several files so that a failure leaves every one of them as it was.

    Every file is first written in full next to its target; only then are they renamed into
    place. If a rename fails, the files already replaced get their previous contents back.
    """
    staged: dict[Path, Path] = {}
    try:
        for path, data in outputs.items():
            staged[path] = _stage(path, data)
        _replace_all(staged)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


def _replace_all(staged: Mapping[Path, Path]) -> None:
    previous: dict[Path, bytes | None] = {}
    try:
        for path, tmp in staged.items():
            previous[path] = path.read_bytes() if path.is_file() else None
            tmp.replace(path)
    except BaseException:
        for path, old in previous.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, old)
        raise


def _stage(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
