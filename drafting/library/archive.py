"""`draft sources archive KEY FILE`: copy a snapshot into sources/archive/ and record it.

The .bib entry gets `file` and `sha256`; nothing else in the .bib changes (`bibedit`). Both
files are written atomically, the snapshot first, so an interrupted run never leaves a
digest that points to a file that is not there.

Archived snapshots are evidence: a snapshot whose content differs from the one recorded (by
file or by digest) is replaced only with `--replace`, and the old copy is then kept as
`KEY.ext.bak-YYYYMMDD-HHMMSS`. Running the command again with the same file changes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from drafting.files import digest
from drafting.library.bibedit import set_fields
from drafting.load.sources import load_sources
from drafting.load.workspace import Workspace, plain_name
from drafting.model import Location, Source
from drafting.output.atomic import write_atomic
from drafting.output.guard import backup
from drafting.problems import DraftError, did_you_mean, fail

COMPOUND_SUFFIXES = (".warc.gz",)
"""Extensions of two parts that an archived copy keeps whole."""


@dataclass(frozen=True, slots=True)
class Archived:
    snapshot: Path
    bib: Path
    sha256: str
    changed: bool = True
    """False when the snapshot and the entry already said exactly this."""
    backup: Path | None = None
    """Where the previous snapshot went, when `--replace` replaced one."""


def archive(workspace: Workspace, key: str, file: Path, replace: bool = False) -> Archived:
    """Copy `file` to sources/archive/KEY.ext and record its path and digest in the entry."""
    if not file.is_file():
        raise fail("missing-file", f"'{file}' is not a file; give the snapshot to archive")
    source = _source(workspace, key)
    entry = source.location
    if entry.file.suffix.lower() == ".json":
        raise _csl_json(source, file)
    target = workspace.sources / "archive" / plain_name(archived_name(key, file), "key")
    workspace.require_inside(target.parent, "sources/archive")
    try:
        return _archive(source, file, target, replace)
    except OSError as exc:
        raise fail(
            "cannot-write",
            f"cannot archive '{file}' ({exc.strerror or exc}: {exc.filename or target}); "
            "check that sources/ and the library file can be written, and that the disk is "
            "not full, then run the command again",
            Location(entry.file),
            source=key,
        ) from None


def archived_name(key: str, file: Path) -> str:
    """KEY and the file's extension, lower case, both parts of a compound one: a web
    archive `page.warc.gz` becomes `KEY.warc.gz` (not `KEY.gz`), so a reader of the folder
    sees what it is."""
    name = file.name.lower()
    for compound in COMPOUND_SUFFIXES:
        if name.endswith(compound) and len(name) > len(compound):
            return key + compound
    return key + file.suffix.lower()


def _source(workspace: Workspace, key: str) -> Source:
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
    return sources[key]


def _archive(source: Source, file: Path, target: Path, replace: bool) -> Archived:
    entry = source.location
    data = file.read_bytes()
    sha = digest(data)
    _refuse_other_content(source, target, data, sha, replace)
    relative = Path(os.path.relpath(target, entry.file.parent)).as_posix()
    raw = entry.file.read_bytes().decode("utf-8")
    edited = set_fields(raw, entry.line or 1, {"file": relative, "sha256": sha}, key=source.key)
    same_file = target.exists() and target.read_bytes() == data
    if same_file and edited == raw:
        return Archived(target, entry.file, sha, changed=False)
    kept = None
    if target.exists() and not same_file:
        kept = backup(target)
    if not same_file and file.resolve() != target.resolve():
        write_atomic(target, data)
    if edited != raw:
        write_atomic(entry.file, edited.encode("utf-8"))
    return Archived(target, entry.file, sha, backup=kept)


def _refuse_other_content(
    source: Source, target: Path, data: bytes, sha: str, replace: bool
) -> None:
    """Without --replace, neither the archived file nor the recorded digest may change."""
    if replace:
        return
    if target.exists() and target.read_bytes() != data:
        why = f"{target.name} is already archived with other content"
    elif source.sha256 and source.sha256.lower() != sha:
        why = (
            f"the library records another snapshot for '{source.key}' "
            f"(sha256 {source.sha256[:12]}..., this file has {sha[:12]}...)"
        )
    else:
        return
    raise fail(
        "archive-exists",
        f"{why}; archived copies are evidence and are not replaced silently: give --replace "
        "to archive the new version (the old copy is kept as a .bak file)",
        Location(target),
        source=source.key,
    )


def _csl_json(source: Source, file: Path) -> DraftError:
    sha = digest(file.read_bytes())
    name = archived_name(source.key, file)
    return fail(
        "archive-csl-json",
        f"'{source.key}' is in a CSL-JSON library ({source.location.file.name}), which "
        "draft does not edit (it would have to rewrite the file your reference manager "
        f"exports); copy the file to sources/archive/{plain_name(name, 'key')} yourself and "
        f"add these two lines to the item's note: 'file: archive/{name}' and 'sha256: {sha}'",
        source.location,
        source=source.key,
    )
