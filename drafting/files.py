"""Reading input files and fingerprinting bytes: used by every stage."""

from __future__ import annotations

import hashlib
from pathlib import Path

from drafting.model import Location
from drafting.problems import fail


def digest(data: bytes) -> str:
    """The SHA-256 of `data` as lowercase hex: snapshots, outputs and the build manifest."""
    return hashlib.sha256(data).hexdigest()


def read_text(path: Path) -> str:
    """The file as text, or a `DraftError` that says which byte is not UTF-8."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            "not-utf8",
            f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} cannot be "
            "read; save the file as UTF-8 (in most editors: Save As, encoding UTF-8)",
            Location(path, line, column),
        ) from None
    return text.removeprefix("\ufeff")
