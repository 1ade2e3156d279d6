"""Field readers shared by the BibTeX and CSL-JSON loaders, so both give the same `Source`.

Kinds, dates, snapshot paths and the fields `draft` adds (`file`, `sha256`, `origin`,
`confidential`, `archiveurl`, `archivedate`) are read here once, whatever the file format.
"""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from pathlib import Path

from drafting.load.workspace import Resolved
from drafting.model import KINDS, Location, PartialDate, Source
from drafting.problems import Problem, error
from drafting.text import xml_safe_reported


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a library file as the file alone gives it, before its snapshot is looked
    for: what the loaders keep in the memo (`sources.load_sources`)."""

    problems: tuple[Problem, ...]
    """The problems found in the entry (or, with no `source`, in the file)."""
    source: Source | None
    """The source with `snapshot` None; None when the entry cannot be read."""
    file: str = ""
    """The `file` field as written: the snapshot, resolved on every run (`snapshot_path`)."""
    file_at: Location | None = None
    """Where `file` is written, for the problems with it."""


# BibTeX / BibLaTeX entry types and CSL types -> our kinds (BibLaTeX's names).
KIND_ALIASES = {
    **{kind: kind for kind in KINDS},
    # BibTeX and BibLaTeX
    "techreport": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "www": "online",
    "electronic": "online",
    "inbook": "incollection",
    "inproceedings": "incollection",
    "conference": "incollection",
    "movie": "video",
    "music": "audio",
    "unpublished": "misc",
    "manual": "book",
    "booklet": "book",
    "periodical": "article",
    # CSL types
    "article-newspaper": "article",
    "article-magazine": "article",
    "article-journal": "article",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "chapter": "incollection",
    "paper-conference": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "motion_picture": "video",
    "broadcast": "video",
    "song": "audio",
    "bill": "legislation",
    "regulation": "legislation",
    "treaty": "legislation",
    "legal_case": "jurisdiction",
    "interview": "misc",
    "personal_communication": "misc",
    "speech": "misc",
    "document": "misc",
    "manuscript": "misc",
    "standard": "report",
}
# Names people (and tools) give the archive fields; none is standard in BibLaTeX or CSL.
ARCHIVE_URL_NAMES = ("archiveurl", "archive_url", "archive-url")
ARCHIVE_DATE_NAMES = ("archivedate", "archive_date", "archive-date")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_TRUE = frozenset({"true", "yes", "1"})


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_RANGE_DASH = re.compile(r"(?<=\w)\s*(?:-+|–|—)\s*(?=\w)")


def kind_of(entry_type: str) -> str:
    """Our kind for a BibTeX entry type or a CSL type; unknown types are `misc`."""
    return KIND_ALIASES.get(entry_type.strip().lower(), "misc")


def first_field(fields: dict[str, str], names: tuple[str, ...]) -> tuple[str, str]:
    """(name, value) of the first of `names` present and non-empty, else ("", "")."""
    for name in names:
        if fields.get(name, "").strip():
            return name, fields[name].strip()
    return "", ""


def origin_keys(value: str) -> tuple[str, ...]:
    return tuple(k for k in re.split(r"[\s,;]+", value) if k)


def is_true(value: str) -> bool:
    return value.strip().lower() in _TRUE


def parse_date(text: str, where: Location, key: str, problems: list[Problem]) -> PartialDate | None:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the start of a `/` range); a problem otherwise."""
    match = _ISO_DATE.fullmatch(text.split("/")[0].strip())
    date = None
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        date = PartialDate(year or 0, month, day)
        if not valid_date(date):
            date = None
    if date is None:
        problems.append(
            error(
                "bad-date",
                f"'{text}' is not a date; write it as YYYY-MM-DD (or YYYY-MM, or YYYY)",
                where,
                source=key,
            )
        )
    return date


def valid_date(date: PartialDate) -> bool:
    if not 1 <= date.year <= 9999:  # there is no year 0, and Python's dates stop at 9999
        return False
    if date.month is None:
        return date.day is None
    if not 1 <= date.month <= 12:
        return False
    return date.day is None or 1 <= date.day <= calendar.monthrange(date.year, date.month)[1]


def snapshot_path(
    value: str, where: Location, key: str, workspace: Resolved, problems: list[Problem]
) -> Path | None:
    """`file`: a path relative to the library file, or Zotero's `Description:path:mime`."""
    if not value:
        return None
    first = value.split(";")[0]
    parts = first.split(":")
    if len(parts) >= 3 and "/" in parts[-1]:  # Zotero: description:path:mime/type
        first = ":".join(parts[1:-1])
    first = first.replace("\\:", ":")
    # The links are resolved once for the three questions below. `realpath` rather than
    # `Path.resolve`, which raises on a link loop: the loop stays a path, and reading the
    # snapshot then says what it is.
    real = os.path.realpath(where.file.parent / first)
    if Path(first).is_absolute() or not workspace.contains(real):
        problems.append(
            error(
                "path-outside-workspace",
                f"the snapshot '{first}' is outside the "
                "workspace; copy it in with 'draft sources archive "
                f"{key} FILE'",
                where,
                source=key,
            )
        )
        return None
    if workspace.is_input(real):  # a quote would be checked against the report itself
        problems.append(
            error(
                "snapshot-is-input",
                f"the snapshot '{first}' is one of the workspace's own inputs (a report, "
                "claim file, library or template), so every quote would match itself; "
                f"archive the real source with 'draft sources archive {key} FILE'",
                where,
                source=key,
            )
        )
        return None
    return Path(real)


def safe_text(value: str, where: Location, key: str, problems: list[Problem]) -> str:
    """Characters a Word file cannot hold become U+FFFD in both outputs, with a warning."""
    return xml_safe_reported(value, where, problems, "entry", source=key)


def page_range(value: str) -> str:
    """ "455--478", "455-478" or "455 – 478" -> "455–478": a range takes an en dash."""
    return _RANGE_DASH.sub("–", " ".join(value.split()))


def bare_doi(value: str) -> str:
    """A DOI without its resolver: "https://doi.org/10.1/x" and "doi:10.1/x" -> "10.1/x"."""
    return _DOI_PREFIX.sub("", value.strip())
