"""Resolve citations: every `Cite` becomes a numbered `Note` whose text a style template writes.

Runs once over the whole parsed document (first and subsequent forms depend on order across
the brief, as citeproc's two passes do). The style is a Jinja2 template, not Python: it
defines a macro `note(citations)` and a macro `entry(source)` for the list of sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from markdown_it import MarkdownIt

from drafting.model import Cite, Document, Inline, Name, Note, PartialDate, Source
from drafting.problems import fail
from drafting.templating import Md, get_template, template_errors
from drafting.text import escape_all, inlines_from_tokens
from drafting.walk import walk_inlines

SHORT_TITLE_WORDS = 4


class NoteStyle:
    """A citation style template, loaded once: `styles/NAME.md.j2`."""

    def __init__(self, env: jinja2.Environment, name: str) -> None:
        self.name = name
        self.template = get_template(env, f"styles/{name}.md.j2")
        with template_errors():
            self.module = self.template.make_module()
        for macro in ("note", "entry"):
            if not hasattr(self.module, macro):
                raise fail(
                    "template-error",
                    f"citation style '{name}' has no macro '{macro}'; "
                    "a style must define {% macro note(citations) %} and "
                    "{% macro entry(source) %}",
                )

    def note(self, citations: list[dict[str, Any]]) -> tuple[Inline, ...]:
        with template_errors():
            markdown = str(self.module.note(citations))  # type: ignore[attr-defined]
        return parse_note(markdown)

    def entry(self, source: dict[str, Any]) -> Md:
        """A bibliography entry; `source` is a `source_view`."""
        with template_errors():
            entry = str(self.module.entry(source))  # type: ignore[attr-defined]
        return Md(entry.strip())


@lru_cache(maxsize=1)
def _note_parser() -> MarkdownIt:
    # Notes may use *italics*, **bold** and backslash escapes, nothing else (no links, no HTML).
    return MarkdownIt("zero").enable(["emphasis", "escape"])


def parse_note(markdown: str) -> tuple[Inline, ...]:
    tokens = _note_parser().parseInline(" ".join(markdown.split()))
    return inlines_from_tokens(tokens[0].children or []) if tokens else ()


@dataclass(slots=True)
class _Positions:
    """What the citation pass has seen so far, in document order."""

    first_note: dict[str, int] = field(default_factory=dict)
    previous: tuple[str, ...] = ()
    count: int = 0


def resolve(doc: Document, sources: Mapping[str, Source], style: NoteStyle) -> Document:
    """Number the notes 1..n in reading order and write each one with `style`."""
    seen = _Positions()

    def visit(node: Inline) -> Inline:
        if not isinstance(node, Cite):
            return node
        seen.count += 1
        items = [_citation(item.key, item.locator, sources, seen) for item in node.items]
        keys = tuple(item.key for item in node.items)
        seen.previous = keys
        return Note(seen.count, style.note(items), node.claim_id, keys)

    return walk_inlines(doc, visit)


def _citation(
    key: str, locator: str, sources: Mapping[str, Source], seen: _Positions
) -> dict[str, Any]:
    first = key not in seen.first_note
    seen.first_note.setdefault(key, seen.count)
    position = "first" if first else "ibid" if seen.previous == (key,) else "subsequent"
    return {
        "source": source_view(sources[key]),
        "locator": locator,
        "position": position,
        "first": first,
        "first_note": seen.first_note[key],
        "note": seen.count,
    }


def source_view(source: Source) -> dict[str, Any]:
    """What a style template sees of a source (documented in the README)."""
    return {
        "key": source.key,
        "kind": source.kind,
        "title": source.title,
        "short_title": short_title(source),
        "authors": [_name_view(n) for n in source.authors],
        "container": source.container,
        "publisher": source.publisher,
        "date": source.date,
        "url": source.url,
        "urldate": source.urldate,
        "note": source.note,
        "fields": dict(source.fields),
    }


def _name_view(name: Name) -> dict[str, Any]:
    return {
        "family": name.family,
        "given": name.given,
        "literal": name.literal,
        "suffix": name.suffix,
        "corporate": name.is_corporate,
        "others": name.is_others,
    }


def short_title(source: Source) -> str:
    """`shorttitle`, else the title cut to its first four words (Chicago 14.30)."""
    if source.shorttitle:
        return source.shorttitle
    words = source.title.split()
    if len(words) <= SHORT_TITLE_WORDS:
        return source.title
    short = " ".join(words[:SHORT_TITLE_WORDS]).rstrip(",:;")
    return f"{short}]" if short.startswith("[") else short


def sort_key(source: Source) -> tuple[str, str, str]:
    """Bibliography order: first author (family or corporate name), else title; then date."""
    first = source.authors[0] if source.authors else None
    lead = (first.literal or first.family) if first else source.title
    return (
        lead.lstrip("[“‘\"'").casefold(),
        source.title.casefold(),
        source.date.iso() if source.date else "",
    )


# --------------------------------------------------------------------------- style filters


class Quoted(str):
    """A title to print in double quotes; `join_parts` moves a following comma inside."""

    __slots__ = ()


def names(authors: list[dict[str, Any]]) -> str:
    """Given Family, Given Family, and Given Family; corporate names whole; 'others' = et al."""
    people = [_display(a) for a in authors if not a["others"]]
    if len(authors) > len(people) or len(people) > 3:
        return f"{people[0]} et al." if people else ""
    if len(people) <= 2:
        return " and ".join(people)
    return f"{', '.join(people[:-1])}, and {people[-1]}"


def family_names(authors: list[dict[str, Any]]) -> str:
    people = [a["literal"] or a["family"] for a in authors if not a["others"]]
    if len(authors) > len(people) or len(people) > 3:
        return f"{people[0]} et al." if people else ""
    return (
        " and ".join(people) if len(people) <= 2 else f"{', '.join(people[:-1])}, and {people[-1]}"
    )


def _display(author: dict[str, Any]) -> str:
    if author["literal"]:
        return str(author["literal"])
    name = " ".join(p for p in (author["given"], author["family"]) if p)
    return f"{name}, {author['suffix']}" if author["suffix"] else name


def italic(value: str) -> Md:
    return Md(f"*{escape_all(value)}*") if value else Md("")


def quoted(value: str) -> Quoted:
    return Quoted(value)


def join_parts(parts: Iterable[Any], separator: str = ", ", end: str = "") -> Md:
    """Join the non-empty parts, escaping plain text; never leaves ", ," or an empty "()".

    A `Quoted` part takes the separator (or `end`) inside its closing quotation mark, as
    Chicago puts commas and full stops; other punctuation goes outside.
    """
    kept = [p for p in parts if p]
    out = []
    for i, part in enumerate(kept):
        last = i == len(kept) - 1
        after = end if last else separator
        if isinstance(part, Quoted):
            inside = after.rstrip() if after.strip() in (",", ".") else ""
            out.append(f"“{escape_all(part)}{escape_all(inside)}”")
            out.append(escape_all(after[len(inside) :]))
            continue
        out.append(part if isinstance(part, Md) else escape_all(str(part)))
        out.append(escape_all(after))
    return Md("".join(out))


def year(value: PartialDate | None) -> str:
    return str(value.year) if value else ""


STYLE_FILTERS = {
    "md": Md,
    "names": names,
    "family_names": family_names,
    "italic": italic,
    "quoted": quoted,
    "join_parts": join_parts,
    "year": year,
}
