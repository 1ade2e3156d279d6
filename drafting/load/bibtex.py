"""Read a .bib file into raw entries: keys, types, fields as written, and their lines.

bibtexparser 2 does the splitting into blocks. It never raises: broken entries come back as
"failed blocks", which we turn into located problems instead of dropping them. We resolve
field values ourselves (`@string` macros, `#` concatenation, month macros), because its
default stack leaves `macro # {text}` unresolved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    ParsingFailedBlock,
)

from drafting.model import Location
from drafting.problems import Problem, error

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report failures ourselves

MONTH_MACROS = {
    m: str(i)
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_KEY = re.compile(r"[^\s,{}\"#%'()=\\]+\Z")


@dataclass(frozen=True, slots=True)
class RawEntry:
    key: str
    kind: str
    fields: dict[str, str]
    """Field name (lower case) -> value with macros resolved, LaTeX not yet decoded."""
    location: Location
    field_lines: dict[str, int]


def read_bib(path: Path, text: str) -> tuple[list[RawEntry], list[Problem]]:
    """Parse `text`, the content of the .bib file at `path`; return its entries and every
    problem with its line."""
    library = parse_string(text, parse_stack=[])
    problems = [_failed(path, block) for block in library.failed_blocks]
    macros = {s.key.lower(): s.value for s in library.strings}
    entries = []
    for entry in library.entries:
        where = Location(path, _line(entry.start_line))
        if not _KEY.match(entry.key):
            problems.append(
                error(
                    "bad-key",
                    f"citation key '{entry.key}' contains spaces or "
                    "punctuation that BibTeX does not allow; use letters, digits "
                    "and - _ : .",
                    where,
                    source=entry.key,
                )
            )
            continue
        fields = {f.key.lower(): resolve_value(f.value, macros) for f in entry.fields}
        lines = {f.key.lower(): _line(f.start_line) for f in entry.fields}
        entries.append(RawEntry(entry.key, entry.entry_type.lower(), fields, where, lines))
    return entries, problems


def _failed(path: Path, block: ParsingFailedBlock) -> Problem:
    where = Location(path, _line(block.start_line))
    if isinstance(block, DuplicateBlockKeyBlock):
        first = _line(getattr(block.previous_block, "start_line", None))
        return error(
            "duplicate-key",
            f"citation key '{block.key}' is used twice (first on line "
            f"{first}); give one of the entries another key",
            where,
            source=block.key,
        )
    if isinstance(block, DuplicateFieldKeyBlock):
        dupes = ", ".join(sorted(block.duplicate_keys))
        return error(
            "duplicate-field",
            f"the entry has the field(s) {dupes} twice; keep one",
            where,
            source=getattr(block.ignore_error_block, "key", ""),
        )
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "cannot be read"
    return error(
        "bibtex-syntax",
        f"BibTeX syntax error: {reason.strip()}; check the braces {{ }} and commas of this entry",
        where,
    )


def _line(start_line: int | None) -> int:
    """bibtexparser counts lines from 0."""
    return (start_line or 0) + 1


def resolve_value(raw: str, macros: dict[str, str]) -> str:
    """`{a} # macro # "b"` -> text, with `@string` and month macros substituted."""
    parts = []
    for piece in _split_concatenation(raw):
        piece = piece.strip()
        if piece[:1] in '{"' and piece[-1:] in '}"' and len(piece) >= 2:
            parts.append(piece[1:-1])
        elif piece.lower() in macros:
            parts.append(resolve_value(macros[piece.lower()], {}))
        else:
            parts.append(MONTH_MACROS.get(piece.lower(), piece))
    return "".join(parts)


def _split_concatenation(raw: str) -> list[str]:
    cuts = [i for i in top_level(raw) if raw[i] == "#"]
    starts, ends = [0, *(i + 1 for i in cuts)], [*cuts, len(raw)]
    return [raw[a:b] for a, b in zip(starts, ends, strict=True)]


def top_level(text: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Offsets of the characters outside braces and double quotes: where BibTeX syntax
    (`#`, `,`) can stand, as opposed to text inside a value."""
    depth, quoted = 0, False
    for i in range(start, len(text) if end is None else end):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif depth == 0 and not quoted:
            yield i
