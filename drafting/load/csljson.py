"""sources/*.json (CSL-JSON, as Zotero's "Better CSL JSON" exports it) -> `Source` objects.

CSL-JSON keeps what BibTeX export loses (item types such as interview or motion_picture,
`literal` corporate names), so a library may be kept in either format; both loaders give the
same `Source`. Our own fields (`file`, `sha256`, `origin`, `confidential`, `archiveurl`,
`archivedate`) are read from top-level keys or from `note` lines "key: value", which is where
Better CSL JSON puts fields that CSL has no variable for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

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
)
from drafting.model import Location, Name, PartialDate, Source
from drafting.problems import Problem, error
from drafting.text import fold_whitespace, xml_safe

OUR_FIELDS = (
    "file",
    "sha256",
    "origin",
    "confidential",
    "redacted",
    *ARCHIVE_URL_NAMES,
    *ARCHIVE_DATE_NAMES,
)
_NOTE_LINE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
_ID_KEY = re.compile(r'"id"\s*:')
_SPACE = re.compile(r"\s*")


def read_csl_json(path: Path, text: str) -> tuple[Entry, ...]:
    """Every item of `text`, the content of the CSL-JSON file at `path`, as an `Entry` with
    the problems found in it; syntax errors are problems with line and column."""
    try:
        items = list(_items(text))
    except json.JSONDecodeError as exc:
        where = Location(path, exc.lineno, exc.colno)
        return (
            Entry((error("csl-json-syntax", f"CSL-JSON syntax error: {exc.msg}", where),), None),
        )
    except ValueError as exc:
        return (Entry((error("csl-json-syntax", str(exc), Location(path, 1, 1)),), None),)
    except RecursionError:
        problem = error(
            "csl-json-syntax",
            "the CSL-JSON is nested too deeply to read; export the library again from "
            "your reference manager",
            Location(path, 1, 1),
        )
        return (Entry((problem,), None),)
    return tuple(_entry(item, Location(path, line)) for item, line in items)


def _entry(item: Any, where: Location) -> Entry:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
        problem = error("csl-json-item", 'each CSL-JSON item must be an object with an "id"', where)
        return Entry((problem,), None)
    if _too_deep(item):
        problem = error(
            "csl-json-item",
            f"the item is nested more than {MAX_ITEM_DEPTH} levels deep, which no "
            "CSL field needs; export it again from your reference manager",
            where,
        )
        return Entry((problem,), None)
    problems: list[Problem] = []
    safe_text(json.dumps(item, ensure_ascii=False), where, str(item["id"]), problems)
    return to_entry(_xml_safe_item(item), where, problems)


MAX_ITEM_DEPTH = 16
"""CSL items nest names and dates three or four levels deep."""


def _too_deep(item: Any) -> bool:
    stack = [(item, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_ITEM_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            stack.extend((child, depth + 1) for child in children)
    return False


def _xml_safe_item(value: Any) -> Any:
    """Every text of the item with NUL, lone surrogates and other characters no document (or
    file name) can hold replaced by U+FFFD; `safe_text` has warned about them."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {xml_safe(str(k)): _xml_safe_item(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_xml_safe_item(v) for v in value]
    return value


def _items(text: str) -> Iterator[tuple[Any, int]]:
    """The items of the top-level array, each with the line of its `"id"` (else its start)."""
    decoder = json.JSONDecoder()
    at = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[at : at + 1] != "[":
        json.loads(text)  # a syntax error is reported with its position
        raise ValueError("a CSL-JSON file must be a list of items: [ {...}, {...} ]")
    at += 1
    while True:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        if text[at : at + 1] == "]":
            json.loads(text)  # reject anything after the closing bracket
            return
        item, end = decoder.raw_decode(text, at)
        found = _ID_KEY.search(text, at, end)
        yield item, text.count("\n", 0, found.start() if found else at) + 1
        at = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[at : at + 1] == ",":
            at += 1
        elif text[at : at + 1] != "]":
            json.loads(text)


def to_entry(item: dict[str, Any], where: Location, problems: list[Problem]) -> Entry:
    """A CSL item as a `Source` without its snapshot, with `problems` and those found here."""
    key = str(item["id"])
    ours, note = _our_fields(item)
    fields = {k: _text(v) for k, v in item.items() if isinstance(v, str | int | float)}
    archive_date = first_field(ours, ARCHIVE_DATE_NAMES)[1]
    source = Source(
        key=key,
        kind=kind_of(_text(item.get("type", ""))),
        location=where,
        title=_text(item.get("title", "")),
        shorttitle=_text(item.get("title-short", "") or item.get("shortTitle", "")),
        authors=_names(item.get("author")),
        editors=_names(item.get("editor")),
        container=_text(item.get("container-title", "")),
        publisher=_text(item.get("publisher", "")),
        place=_text(item.get("publisher-place", "") or item.get("event-place", "")),
        number=_text(item.get("number", "")),
        volume=_text(item.get("volume", "")),
        issue=_text(item.get("issue", "")),
        pages=page_range(_text(item.get("page", ""))),
        doi=bare_doi(_text(item.get("DOI", ""))),
        edition=_text(item.get("edition", "")),
        translators=_names(item.get("translator")),
        authority=_text(item.get("authority", "")),
        genre=_text(item.get("genre", "") or item.get("medium", "")),
        date=_date(item.get("issued"), where, key, problems),
        url=_text(item.get("URL", "")),
        urldate=_date(item.get("accessed"), where, key, problems),
        archive_url=first_field(ours, ARCHIVE_URL_NAMES)[1],
        archive_date=parse_date(archive_date, where, key, problems) if archive_date else None,
        note=note,
        sha256=ours.get("sha256", "").lower(),
        origin=origin_keys(ours.get("origin", "")),
        confidential=is_true(ours.get("confidential", "")),
        redacted=ours.get("redacted", ""),
        fields=MappingProxyType(fields),
    )
    return Entry(tuple(problems), source, ours.get("file", ""), where)


def _our_fields(item: dict[str, Any]) -> tuple[dict[str, str], str]:
    """Our fields from top-level keys or `note` lines; returns them and the rest of the note."""
    found: dict[str, str] = {}
    kept = []
    note = item.get("note")
    for line in note.splitlines() if isinstance(note, str) else []:
        match = _NOTE_LINE.match(line)
        if match and match.group(1).lower() in OUR_FIELDS:
            found[match.group(1).lower()] = match.group(2)
        elif line.strip():
            kept.append(line.strip())
    for name in OUR_FIELDS:
        value = item.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value is not None and value != "":
            found[name] = _text(value)
    return found, " ".join(kept)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = fold_whitespace(str(value)).strip() if value is not None else ""
    return xml_safe(text)


def _names(value: Any) -> tuple[Name, ...]:
    """CSL names: `literal` for organisations, else family (with particles) and given."""
    names = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        if person.get("literal"):
            names.append(Name(literal=_text(person["literal"])))
            continue
        particle = _text(person.get("non-dropping-particle", ""))
        family = " ".join(p for p in (particle, _text(person.get("family", ""))) if p)
        given = " ".join(
            p
            for p in (_text(person.get("given", "")), _text(person.get("dropping-particle", "")))
            if p
        )
        names.append(Name(family=family, given=given, suffix=_text(person.get("suffix", ""))))
    return tuple(names)


def _date(value: Any, where: Location, key: str, problems: list[Problem]) -> PartialDate | None:
    """`{"date-parts": [[2021, 11, 11]]}`, or `{"raw": "2021-11-11"}`; None when absent."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        text = "-".join(str(p).strip() for p in parts[0][:3])
        text = "-".join(f"{int(p):02d}" if p.isdigit() else p for p in text.split("-"))
        return parse_date(text, where, key, problems)
    raw = value.get("raw") or value.get("literal")
    return parse_date(_text(raw), where, key, problems) if raw else None
