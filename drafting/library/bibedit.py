"""Edit one entry of a .bib file in its raw text, leaving every other byte as it was.

A library is the authors' file (Zotero exports it, people edit it, git diffs it), so `draft`
never re-serialises it: it finds the entry's span in the text by brace matching and sets a
field's value there, or adds the field before the entry's closing brace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafting.load.bibtex import top_level
from drafting.model import Location

_ENTRY_START = re.compile(r"@\s*[A-Za-z]+\s*([{(])")
_FIELD = re.compile(r"(?m)^([ \t]*)([A-Za-z][\w:.-]*)[ \t]*=[ \t]*")


@dataclass(frozen=True, slots=True)
class EntrySpan:
    start: int
    """Offset of the `@`."""
    body: int
    """Offset just after the opening brace."""
    end: int
    """Offset of the closing brace."""


def line_offset(text: str, line: int) -> int:
    """Offset where 1-based `line` starts."""
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def entry_span(text: str, line: int, key: str | None = None) -> EntrySpan | None:
    """The entry that starts on `line` (as the loader recorded it); with `key`, the entry
    with exactly that key, so that two entries on one line are told apart."""
    position = line_offset(text, line)
    while (found := _ENTRY_START.search(text, position)) is not None:
        span = _span(text, found)
        if span is None:
            return None
        if key is None or _entry_key(text, span) == key:
            return span
        position = span.end + 1
    return None


def _span(text: str, found: re.Match[str]) -> EntrySpan | None:
    close = "}" if found.group(1) == "{" else ")"
    depth, i = 0, found.end()
    while i < len(text):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
        elif char == close and depth == 0:
            return EntrySpan(found.start(), found.end(), i)
        i += 1
    return None


def _entry_key(text: str, span: EntrySpan) -> str:
    """The citation key: what stands between the opening brace and the first comma."""
    comma = text.find(",", span.body, span.end)
    return text[span.body : comma if comma >= 0 else span.end].strip()


def _value_end(text: str, start: int, limit: int) -> int:
    """End offset of a field value beginning at `start`: `{...}`, `"..."` or a bare word."""
    i = next((j for j in top_level(text, start, limit) if text[j] in ",\n"), limit)
    while i > start and text[i - 1] in " \t\r":
        i -= 1
    return i


def _fields(text: str, span: EntrySpan) -> dict[str, tuple[int, int, str]]:
    """Field name (lower case) -> (value start, value end, indentation), top level only."""
    found: dict[str, tuple[int, int, str]] = {}
    position = span.body
    for match in _FIELD.finditer(text, span.body, span.end):
        if match.start() < position:
            continue  # inside the previous field's value
        end = _value_end(text, match.end(), span.end)
        found.setdefault(match.group(2).lower(), (match.end(), end, match.group(1)))
        position = end
    return found


def field_line(location: Location, name: str) -> int | None:
    """The line of field `name` in the entry at `location`, when it can be found."""
    if location.line is None:
        return None
    try:
        text = location.file.read_text(encoding="utf-8")
        span = entry_span(text, location.line)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if span is None or name not in (fields := _fields(text, span)):
        return None
    return text.count("\n", 0, fields[name][0]) + 1


def set_fields(text: str, line: int, values: dict[str, str], key: str | None = None) -> str:
    """`text` with the entry on `line` (with `key`, if given) having each field set to
    `{value}`; nothing else changes."""
    span = entry_span(text, line, key)
    if span is None:
        raise ValueError(f"no BibTeX entry {key or ''} starts on line {line}")
    newline = "\r\n" if "\r\n" in text else "\n"
    fields = _fields(text, span)
    indent = next(iter(fields.values()))[2] if fields else "  "
    edits: list[tuple[int, int, str]] = []
    added = []
    for name, value in values.items():
        if name in fields:
            start, end, _ = fields[name]
            edits.append((start, end, "{" + value + "}"))
        else:
            added.append(f"{indent}{name} = {{{value}}},{newline}")
    if added:
        edits.append(_insertion(text, span, "".join(added), newline))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _insertion(text: str, span: EntrySpan, lines: str, newline: str) -> tuple[int, int, str]:
    """Add whole field lines just before the closing brace, with a comma after the last field."""
    last = span.end
    while last > span.body and text[last - 1] in " \t\r\n":
        last -= 1
    comma = "" if text[last - 1] in ",{(" else ","
    # The closing brace's own line keeps its indentation; new lines go before it.
    line_start = text.rfind("\n", 0, span.end) + 1
    if text[line_start : span.end].strip():
        return last, span.end, f"{comma}{newline}{lines}"
    return last, line_start, f"{comma}{newline}{lines}"
