"""sources/*.bib -> `Source` objects: the source library every claim cites.

One `Source` model whatever the file format, so checks, styles and writers never care whether
an entry came from BibTeX or (later) CSL-JSON. Fields this project adds to BibTeX: `file`
(archived snapshot), `sha256`, `origin` (keys this source relies on) and `confidential`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from drafting.bibtex import RawEntry, read_bib
from drafting.latex import decode, strip_braces
from drafting.model import Location, Name, PartialDate, Source
from drafting.problems import DraftError, Problem, error, warning
from drafting.text import forbidden_characters, xml_safe
from drafting.workspace import Workspace

# Fields that are data, not LaTeX text: decoding would eat `%` and `_` in URLs and paths.
VERBATIM = frozenset({"url", "file", "sha256", "doi", "urldate", "date", "origin"})
MONTHS = {
    name: i
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        1,
    )
}
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_TRUE = frozenset({"true", "yes", "1"})


def load_sources(workspace: Workspace) -> tuple[dict[str, Source], list[Problem]]:
    """Every entry of every `sources/*.bib`, and the problems found while reading them."""
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for path in sorted(workspace.sources.glob("*.bib")):
        try:
            entries, found = read_bib(path.resolve())
        except DraftError as exc:  # not UTF-8, and the like
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        for raw in entries:
            if raw.key in sources:
                first = sources[raw.key].location
                problems.append(
                    error(
                        "duplicate-key",
                        f"citation key '{raw.key}' is defined "
                        f"twice (also in {first.file.name}:{first.line}); give one "
                        "of them another key",
                        raw.location,
                        source=raw.key,
                    )
                )
                continue
            sources[raw.key] = to_source(raw, workspace, problems)
    return sources, problems


def to_source(raw: RawEntry, workspace: Workspace, problems: list[Problem]) -> Source:
    def at(name: str) -> Location:
        return Location(raw.location.file, raw.field_lines.get(name, raw.location.line))

    safe = {k: _xml_safe(v, at(k), raw.key, problems) for k, v in raw.fields.items()}
    raw = RawEntry(raw.key, raw.kind, safe, raw.location, raw.field_lines)
    fields = {k: v.strip() if k in VERBATIM else decode(v) for k, v in raw.fields.items()}

    return Source(
        key=raw.key,
        kind=raw.kind,
        location=raw.location,
        title=fields.get("title", ""),
        shorttitle=fields.get("shorttitle", ""),
        authors=_names(raw.fields.get("author") or raw.fields.get("editor") or "", raw, problems),
        container=fields.get("journaltitle")
        or fields.get("journal")
        or fields.get("booktitle")
        or "",
        publisher=fields.get("publisher")
        or fields.get("institution")
        or fields.get("organization")
        or "",
        date=_date(fields, raw, at, problems),
        url=fields.get("url", ""),
        urldate=_parse_date(fields["urldate"], at("urldate"), raw.key, problems)
        if "urldate" in fields
        else None,
        note=fields.get("note", ""),
        snapshot=_snapshot(fields.get("file", ""), at("file"), raw.key, workspace, problems),
        sha256=fields.get("sha256", "").lower(),
        origin=tuple(k for k in re.split(r"[\s,;]+", fields.get("origin", "")) if k),
        confidential=fields.get("confidential", "").lower() in _TRUE,
        fields=MappingProxyType(fields),
    )


def _xml_safe(value: str, where: Location, key: str, problems: list[Problem]) -> str:
    """Characters a Word file cannot hold become U+FFFD in both outputs, with a warning."""
    bad = forbidden_characters(value)
    if bad:
        problems.append(
            warning(
                "forbidden-character",
                f"the field contains {', '.join(bad)}, which a Word document cannot hold; "
                "both outputs show the replacement character U+FFFD (�) instead; delete "
                "it from the entry",
                where,
                source=key,
            )
        )
    return xml_safe(value)


def _names(raw_value: str, raw: RawEntry, problems: list[Problem]) -> tuple[Name, ...]:
    names = []
    for person in split_multiple_persons_names(raw_value) if raw_value.strip() else []:
        try:
            parts = parse_single_name_into_parts(person, strict=True)
        except InvalidNameError as exc:
            problems.append(
                error(
                    "bad-name",
                    f"author name '{person}' cannot be read ({exc})",
                    raw.location,
                    source=raw.key,
                )
            )
            continue
        if (
            not parts.first
            and not parts.von
            and not parts.jr
            and len(parts.last) == 1
            and parts.last[0].startswith("{")
        ):
            names.append(Name(literal=decode(strip_braces(parts.last[0]))))
            continue
        names.append(
            Name(
                family=decode(" ".join(parts.von + parts.last)),
                given=decode(" ".join(parts.first)),
                suffix=decode(" ".join(parts.jr)),
            )
        )
    return tuple(names)


def _date(
    fields: Mapping[str, str], raw: RawEntry, at: object, problems: list[Problem]
) -> PartialDate | None:
    where = at("date" if "date" in fields else "year")  # type: ignore[operator]
    if "date" in fields:
        return _parse_date(fields["date"].split("/")[0], where, raw.key, problems)
    if "year" not in fields:
        return None
    text = fields["year"]
    if fields.get("month"):
        month = _month(fields["month"])
        if month is None:
            problems.append(
                error(
                    "bad-date",
                    f"month '{fields['month']}' is not a month; write a number 1-12 or a name",
                    where,
                    source=raw.key,
                )
            )
            return None
        text += f"-{month}" + (f"-{fields['day']}" if fields.get("day") else "")
    return _parse_date(text, where, raw.key, problems)


def _month(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    matches = [n for name, n in MONTHS.items() if len(value) >= 3 and name.startswith(value)]
    return matches[0] if matches else None


def _parse_date(
    text: str, where: Location, key: str, problems: list[Problem]
) -> PartialDate | None:
    match = _ISO_DATE.fullmatch(text.strip())
    date = None
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        date = PartialDate(year or 0, month, day)
        if not _valid(date):
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


def _valid(date: PartialDate) -> bool:
    import calendar

    if date.month is None:
        return True
    if not 1 <= date.month <= 12:
        return False
    return date.day is None or 1 <= date.day <= calendar.monthrange(date.year, date.month)[1]


def _snapshot(
    value: str, where: Location, key: str, workspace: Workspace, problems: list[Problem]
) -> Path | None:
    """The `file` field: a path relative to the .bib, or Zotero's `Description:path:mime`."""
    if not value:
        return None
    first = value.split(";")[0]
    parts = first.split(":")
    if len(parts) >= 3 and "/" in parts[-1]:  # Zotero: description:path:mime/type
        first = ":".join(parts[1:-1])
    first = first.replace("\\:", ":")
    path = where.file.parent / first
    if Path(first).is_absolute() or not workspace.contains(path):
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
    if not path.is_file():
        problems.append(
            error(
                "missing-snapshot",
                f"the snapshot '{first}' does not exist (looked for {path.resolve()}); "
                "check the file name, or archive the source again",
                where,
                source=key,
            )
        )
        return None
    return path.resolve()
