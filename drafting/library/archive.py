"""`draft sources archive KEY FILE`: copy a snapshot into sources/archive/ and record it.

The .bib entry gets `file` and `sha256`; nothing else in the .bib changes (`bibedit`). Both
files are written atomically, the snapshot first, so an interrupted run never leaves a
digest that points to a file that is not there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from drafting.files import digest
from drafting.library.bibedit import set_fields
from drafting.load.sources import load_sources
from drafting.load.workspace import Workspace
from drafting.model import Location
from drafting.output.atomic import write_atomic
from drafting.problems import DraftError, did_you_mean, fail


@dataclass(frozen=True, slots=True)
class Archived:
    snapshot: Path
    bib: Path
    sha256: str


def archive(workspace: Workspace, key: str, file: Path, replace: bool = False) -> Archived:
    """Copy `file` to sources/archive/KEY.ext and record its path and digest in the entry."""
    if not file.is_file():
        raise fail("missing-file", f"'{file}' is not a file; give the snapshot to archive")
    sources, problems = load_sources(workspace)
    if key not in sources:
        hint = did_you_mean(key, sources)
        raise DraftError(
            [
                *(p for p in problems if p.severity == "error"),
                *fail(
                    "unknown-source", f"'{key}' is not a citation key in sources/*.bib{hint}"
                ).problems,
            ]
        )
    entry = sources[key].location
    data = file.read_bytes()
    target = workspace.sources / "archive" / f"{key}{file.suffix.lower()}"
    if target.exists() and target.read_bytes() != data and not replace:
        raise fail(
            "archive-exists",
            f"{target.name} is already archived with other content; archived copies are "
            "evidence and are not overwritten (give --replace to archive a new version)",
            Location(target),
            source=key,
        )
    relative = Path(os.path.relpath(target, entry.file.parent)).as_posix()
    sha = digest(data)
    raw = entry.file.read_bytes().decode("utf-8")
    edited = set_fields(raw, entry.line or 1, {"file": relative, "sha256": sha})
    if file.resolve() != target.resolve():
        write_atomic(target, data)
    write_atomic(entry.file, edited.encode("utf-8"))
    return Archived(target, entry.file, sha)
