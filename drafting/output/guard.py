"""Never overwrite a human's edits: the build manifest and the edited-output guard.

Each build records the SHA-256 of every file it writes in `.draft-manifest.json` in the output
folder. Before the next build replaces a file, its digest is compared with the record: a file
that changed since (someone edited the brief in Word) or that `draft` never wrote is treated
as edited, and the build refuses to touch anything unless `--force` is given, in which case
the file is first copied to `NAME.bak-YYYYMMDD-HHMMSS`.

The check and the writes happen under the output folder's lock (`atomic.Transaction`), so two
builds into one folder cannot both read the old manifest and lose each other's entries.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafting import __version__
from drafting.files import digest
from drafting.model import Location
from drafting.output.atomic import Transaction, stage
from drafting.output.errors import writing
from drafting.problems import DraftError, Problem, error

MANIFEST = ".draft-manifest.json"


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """File name -> {"sha256", "report"}; empty when missing or unreadable.

    An unreadable manifest vouches for nothing, so every existing output counts as edited:
    the safe side.
    """
    try:
        data: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {
        str(name): {"sha256": str(entry.get("sha256", "")), "report": str(entry.get("report", ""))}
        for name, entry in files.items()
        if isinstance(entry, dict)
    }


def edited_outputs(outputs: Mapping[Path, bytes]) -> list[Path]:
    """The outputs that exist and differ from what the last build of them wrote."""
    edited = []
    manifests = {folder: read_manifest(folder) for folder in {p.parent for p in outputs}}
    for path, new in outputs.items():
        if not path.is_file():
            continue
        current = digest(path.read_bytes())
        recorded = manifests[path.parent].get(path.name, {}).get("sha256")
        if current != recorded and current != digest(new):
            edited.append(path)
    return edited


def edited_problem(path: Path) -> Problem:
    return error(
        "output-edited",
        f"{path.name} was changed since draft last wrote it (or draft did not write it), so "
        "it was not replaced; move the file elsewhere to keep your edits, or build with "
        "--force to replace it (a backup copy is kept next to it)",
        Location(path.resolve()),
    )


@writing
def backup(path: Path, now: dt.datetime | None = None) -> Path:
    """Copy `path` to `NAME.bak-YYYYMMDD-HHMMSS` (with -2, -3... if taken); never overwrite.

    The copy is written in full to a temporary file first and then linked to its name, which
    fails rather than replace a file of that name: a backup is never truncated (full disk,
    interruption) and never overwrites an earlier one.
    """
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    tmp = stage(path.with_name(f"{path.name}.bak"), path.read_bytes(), mode_of=path)
    try:
        n = 1
        while True:
            target = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{n}" if n > 1 else ""))
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                n += 1
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Written:
    """What a build wrote; iterating gives the outputs."""

    outputs: tuple[Path, ...]
    backups: tuple[Path, ...] = ()

    def __iter__(self) -> Iterator[Path]:
        return iter(self.outputs)


@writing
def write_guarded(outputs: Mapping[Path, bytes], report: str, *, force: bool = False) -> Written:
    """Write `outputs` unless one of them was edited; with `force`, back edited ones up first.

    All outputs go to one folder and are replaced together with the manifest, as one change
    (the manifest last), so it never vouches for a file that was not written.
    """
    folders = {p.parent for p in outputs}
    if len(folders) != 1:
        raise ValueError("the outputs of one build go to one folder")
    (folder,) = folders
    with Transaction(folder) as transaction:
        edited = edited_outputs(outputs)
        if edited and not force:
            raise DraftError([edited_problem(p) for p in edited])
        backups = tuple(backup(p) for p in edited)
        files = {p.name: data for p, data in outputs.items()}
        files[MANIFEST] = _manifest(folder, files, report)
        transaction.commit(files)
    return Written(tuple(outputs), backups)


def _manifest(folder: Path, written: Mapping[str, bytes], report: str) -> bytes:
    files = read_manifest(folder)
    files.update(
        {name: {"sha256": digest(data), "report": report} for name, data in written.items()}
    )
    manifest = {"draft_version": __version__, "files": dict(sorted(files.items()))}
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
