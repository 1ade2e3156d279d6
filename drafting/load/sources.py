"""sources/*.bib and sources/*.json -> `Source` objects: the source library every claim cites.

One `Source` model whatever the file format (BibTeX, BibLaTeX, Better BibTeX, or CSL-JSON via
`csljson`), so checks, styles and writers never care where an entry came from. Fields this
project adds: `file` (archived snapshot), `sha256`, `origin` (keys this source relies on),
`confidential`, `archiveurl` and `archivedate`.

Each library file is read into `Entry`s (a source without its snapshot, and the problems
found in it), which depend on nothing but the file's bytes and path and are kept in a memo
(`stored.remembered`): an unchanged library is not parsed again. The snapshot's path depends
on the file system (links, where the workspace is) and is looked for on every run, as are
citation keys defined twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import bibtexparser
import pylatexenc.version
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from drafting.files import decode_text, read_bytes, refusal, visible
from drafting.gcpause import without_gc
from drafting.load import csljson, latex
from drafting.load.bibtex import RawEntry, read_bib
from drafting.load.latex import decode, latex_trouble, strip_braces
from drafting.load.source_fields import (
    ARCHIVE_DATE_NAMES,
    ARCHIVE_URL_NAMES,
    Entry,
    bare_doi,
    first_field,
    is_true,
    kind_of,
    origin_keys,
    page_range,
    parse_date,
    safe_text,
    snapshot_path,
)
from drafting.load.stored import (
    LOCATION,
    PROBLEMS,
    SOURCE_WITHOUT_SNAPSHOT,
    TEXT,
    Many,
    Maybe,
    Record,
    remembered,
)
from drafting.load.workspace import Resolved, Workspace
from drafting.memo import Memo
from drafting.model import Location, Name, PartialDate, Source
from drafting.problems import DraftError, Problem, error

# Fields that are data, not LaTeX text: decoding would eat `%` and `_` in URLs and paths.
VERBATIM = frozenset(
    {"url", "file", "sha256", "doi", "urldate", "date", "origin", *ARCHIVE_URL_NAMES}
    | set(ARCHIVE_DATE_NAMES)
)
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
# Zotero's plain BibTeX export writes a web page's address as `howpublished = {\url{...}}`.
_HOWPUBLISHED_URL = re.compile(r"\\url\{([^{}]+)\}")
Where = Callable[[str], Location]


@without_gc
def load_sources(workspace: Workspace) -> tuple[dict[str, Source], list[Problem]]:
    """Every entry of every `sources/*.bib` and `sources/*.json`, and the problems found."""
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    files = visible(sorted([*workspace.sources.glob("*.bib"), *workspace.sources.glob("*.json")]))
    store = Memo(MEMO_KIND, str(workspace.root.resolve()))
    try:
        for path in files:
            for source in _read(path, workspace, store, problems):
                if source.key in sources:
                    problems.append(_duplicate(source, sources[source.key]))
                    continue
                sources[source.key] = source
    finally:
        store.save()
    return sources, problems


MEMO_KIND = "load-library"
"""The memo of library files read on earlier runs, one per workspace."""
_ENTRIES = Many(
    Record(
        Entry,
        problems=PROBLEMS,
        source=Maybe(SOURCE_WITHOUT_SNAPSHOT),
        file=TEXT,
        file_at=Maybe(LOCATION),
    )
)


def _settings() -> tuple[object, ...]:
    """What an entry depends on besides its file's bytes and path and `draft`'s code."""
    return (
        bibtexparser.__version__,
        pylatexenc.version.version_str,
        latex.MAX_DEPTH,
        csljson.MAX_ITEM_DEPTH,
    )


def _read(path: Path, workspace: Workspace, store: Memo, problems: list[Problem]) -> list[Source]:
    """The sources of one library file, each with its snapshot looked for now."""
    refused = refusal(path)  # before resolving: a link loop cannot be resolved
    if refused is not None:
        problems.append(refused)
        return []
    path = path.resolve()
    try:
        raw = read_bytes(path)
    except DraftError as exc:
        problems.extend(exc.problems)
        return []
    entries = remembered(store, ("library", *_settings()), path, raw, _entries_of, _ENTRIES)
    resolved = workspace.resolved()
    found = []
    for entry in entries:
        problems.extend(entry.problems)
        if entry.source is not None:
            found.append(_with_snapshot(entry, entry.source, resolved, problems))
    return found


def _entries_of(path: Path, raw: bytes) -> tuple[Entry, ...]:
    """The entries of one library file, from its bytes alone."""
    try:
        text = decode_text(raw, path)
    except DraftError as exc:  # not UTF-8
        return (Entry(exc.problems, None),)
    if path.suffix == ".json":
        return csljson.read_csl_json(path, text)
    entries, found = read_bib(path, text)
    return (Entry(tuple(found), None), *(to_entry(raw) for raw in entries))


def _with_snapshot(
    entry: Entry, source: Source, workspace: Resolved, problems: list[Problem]
) -> Source:
    """The snapshot depends on the file system (links, the workspace's place), not on the
    library's bytes: it is looked for on every run."""
    if not entry.file or entry.file_at is None:
        return source
    snapshot = snapshot_path(entry.file, entry.file_at, source.key, workspace, problems)
    return source if snapshot is None else replace(source, snapshot=snapshot)


def _duplicate(source: Source, first: Source) -> Problem:
    where = first.location
    return error(
        "duplicate-key",
        f"citation key '{source.key}' is defined twice (also in "
        f"{where.file.name}:{where.line}); give one of them another key",
        source.location,
        source=source.key,
    )


def to_entry(raw: RawEntry) -> Entry:
    """A .bib entry as a `Source` without its snapshot, and the problems found in it."""
    problems: list[Problem] = []

    def at(name: str) -> Location:
        return Location(raw.location.file, raw.field_lines.get(name, raw.location.line))

    safe = {k: safe_text(v, at(k), raw.key, problems) for k, v in raw.fields.items()}
    raw = RawEntry(raw.key, raw.kind, safe, raw.location, raw.field_lines)
    fields = {k: v.strip() if k in VERBATIM else decode(v) for k, v in raw.fields.items()}
    problems.extend(
        p for k, v in raw.fields.items() if (p := latex_trouble(v, at(k), raw.key, k)) is not None
    )

    archive_date_name, archive_date = first_field(fields, ARCHIVE_DATE_NAMES)
    hidden_url = _url_in(raw.fields)
    kind = kind_of(raw.kind)
    # BibLaTeX's @jurisdiction names its court in `institution`; other kinds' `institution`
    # publishes them (a report's NGO, a thesis's university).
    court = first_field(fields, ("court", "institution"))[1] if kind == "jurisdiction" else ""
    publishers = ("publisher",) if court else ("publisher", "institution", "organization", "school")
    source = Source(
        key=raw.key,
        kind=kind,
        location=raw.location,
        title=fields.get("title", ""),
        shorttitle=fields.get("shorttitle", ""),
        authors=_names(raw.fields.get("author", ""), raw, problems),
        editors=_names(raw.fields.get("editor", ""), raw, problems),
        container=first_field(fields, ("journaltitle", "journal", "booktitle", "maintitle"))[1],
        publisher=first_field(fields, publishers)[1],
        place=first_field(fields, ("location", "address"))[1],
        # An article's `number` is its issue; a report's is the document number, a case's
        # the application or docket number.
        number=fields.get("number", "") if kind != "article" else "",
        volume=fields.get("volume", ""),
        issue=first_field(fields, ("issue", "number"))[1] if kind == "article" else "",
        pages=page_range(fields.get("pages", "")),
        doi=bare_doi(fields.get("doi", "")),
        edition=fields.get("edition", ""),
        translators=_names(raw.fields.get("translator", ""), raw, problems),
        authority=court,
        genre=fields.get("type") or ("" if hidden_url else fields.get("howpublished", "")),
        date=_date(fields, raw, at, problems),
        url=fields.get("url") or hidden_url,
        urldate=parse_date(fields["urldate"], at("urldate"), raw.key, problems)
        if fields.get("urldate")
        else None,
        archive_url=first_field(fields, ARCHIVE_URL_NAMES)[1],
        archive_date=parse_date(archive_date, at(archive_date_name), raw.key, problems)
        if archive_date
        else None,
        note=fields.get("note", ""),
        sha256=fields.get("sha256", "").lower(),
        origin=origin_keys(fields.get("origin", "")),
        confidential=is_true(fields.get("confidential", "")),
        redacted=fields.get("redacted", "").strip(),
        fields=MappingProxyType(fields),
    )
    # The snapshot's problems come after all of these, as when it was looked for here.
    return Entry(tuple(problems), source, fields.get("file", ""), at("file"))


def _url_in(raw_fields: Mapping[str, str]) -> str:
    """A URL in `howpublished = {\\url{...}}` (Zotero's BibTeX export), read before decoding."""
    match = _HOWPUBLISHED_URL.search(raw_fields.get("howpublished", ""))
    return match.group(1).strip() if match else ""


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
    fields: Mapping[str, str], raw: RawEntry, at: Where, problems: list[Problem]
) -> PartialDate | None:
    where = at("date" if "date" in fields else "year")
    if fields.get("date"):
        return parse_date(fields["date"], where, raw.key, problems)
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
    return parse_date(text, where, raw.key, problems)


def _month(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isascii() and value.isdigit():  # "²" is a digit to str.isdigit, not to int()
        return int(value) if 1 <= int(value) <= 12 else None
    matches = [n for name, n in MONTHS.items() if len(value) >= 3 and name.startswith(value)]
    return matches[0] if matches else None
