"""Resolve citations: every `Cite` becomes a numbered `Note` whose text a style template writes.

Runs once over the whole parsed document (first and subsequent forms depend on order across
the brief, as citeproc's two passes do). The style is a Jinja2 template, not Python: it
defines a macro `note(citations)`, a macro `entry(source)` for the list of sources and,
optionally, `sort_key(source)` for that list's order. This module gives it the context
(documented in the README); the filters it uses are in `style_filters`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from markdown_it import MarkdownIt

from drafting.model import Cite, CiteItem, Document, Inline, Name, Note, Source
from drafting.problems import fail
from drafting.render.style_filters import STYLE_FILTERS, collation_key, sortable
from drafting.render.templating import Md, get_template, template_errors
from drafting.render.walk import walk_inlines
from drafting.text import inlines_from_tokens

__all__ = ["STYLE_FILTERS", "NoteStyle", "pinpoint", "resolve", "sort_key", "source_view"]

SHORT_TITLE_WORDS = 4
"""Key words a short title keeps (CMOS 17 14.32: "up to about four words")."""
# Words that are not key words: a short title never ends on one ("Report of the" -> "Report").
_MINOR_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "&", "or", "in", "on", "at", "to", "for", "by", "with"}
    | {"from", "about", "into", "against", "under", "over", "as", "—", "–", "-", "nor", "but"}
    | {"where", "when", "which", "that", "who", "whom", "whose", "how", "why", "what", "while"}
)
Option = str | int | float | bool
# Locator labels as users write them -> CSL's locator terms, which the styles print their way.
_LABELS = {
    "page": ("p", "pp", "page", "pages", "pg"),
    "paragraph": ("para", "paras", "paragraph", "paragraphs", "¶", "¶¶", "pt", "par"),
    "section": ("s", "ss", "§", "§§", "sec", "secs", "section", "sections"),
    "chapter": ("ch", "chap", "chapter", "chapters"),
    "note": ("n", "nn", "fn", "fns", "note", "notes"),
    "line": ("l", "ll", "line", "lines"),
    "time": ("at",),
}
_LABEL_OF = {word: label for label, words in _LABELS.items() for word in words}
# DOTALL: a lazy `.*?` that cannot cross a line break would be retried from every label
# length; with it the group always reaches the end and the trailing spaces are given back once.
_LOCATOR = re.compile(r"^\s*([^\W\d]+|¶+|§+)\.?\s*(\S.*?)\s*$", re.DOTALL)
_TIMESTAMP = re.compile(r"^\d{1,2}(:\d{2}){1,2}$")
# One way only to read each page: two overlapping roman-numeral alternatives made a list such
# as "x, x, x, ..." ambiguous at every item, which a failing end explored in 2^n ways.
_PAGE = r"(?:\d+[a-z]?|(?=[ivxlc])l?x{0,3}(?:ix|iv|v?i{0,3}))"
_NUMBERS = re.compile(rf"^{_PAGE}(?:\s*(?:[,–&-]+|and)\s*{_PAGE})*$", re.IGNORECASE)
# "Cestaro v. Italy", "R v Smith": the parties of a case name.
_VERSUS = re.compile(r"\s+v\.?\s+")
_CROWN = frozenset({"R", "Regina", "Rex", "The Queen", "The King"})
_AND_OTHERS = re.compile(r",?\s+and\s+others$", re.IGNORECASE)
# UN document symbols begin with the organ's series: A/ (General Assembly), S/ (Security
# Council), E/ (ECOSOC), CAT/, CCPR/ (treaty bodies), ... "A/HRC/46/26", "CCPR/C/GC/36".
_UN_SYMBOL = re.compile(
    r"^(?:A|S|E|ST|CAT|CCPR|CRC|CERD|CEDAW|CMW|CRPD|CED|HRI|TD|UNEP|DP)(?:/[\w.()-]+)+$"
)
_UN_BODY = re.compile(r"^(?:United Nations|UN)\b")
TRANSLATION_PLACES = ("note", "none")
"""`style_options: {translation: ...}`: where a translated quote's original and translation go.
"note" (the default): in the footnote, after the citation; "none": nowhere."""


class NoteStyle:
    """A citation style template, loaded once: `styles/NAME.md.j2`."""

    def __init__(
        self, env: jinja2.Environment, name: str, options: Mapping[str, Option] | None = None
    ) -> None:
        self.name = name
        self.translation = _translation_place(options or {})
        self.template = get_template(env, f"styles/{name}.md.j2")
        with template_errors():
            # `options` (report.yaml's style_options) is a global of the style's macros.
            self.module = self.template.make_module({"options": dict(options or {})})
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

    def sort_key(
        self, source: Source
    ) -> tuple[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...], str]]:
        """The style's `sort_key(source)` macro if it has one, then the generic order; both
        compared by the Unicode Collation Algorithm."""
        macro = getattr(self.module, "sort_key", None)
        if macro is None:
            return ((), sort_key(source))
        with template_errors():
            key = str(macro(source_view(source)))
        # The macro's output was escaped for Markdown; sort on the text it stands for.
        return (collation_key(re.sub(r"\\(.)", r"\1", " ".join(key.split()))), sort_key(source))


def _translation_place(options: Mapping[str, Option]) -> str:
    place = options.get("translation", "note")
    if place not in TRANSLATION_PLACES:
        raise fail(
            "bad-style-option",
            f"report.yaml: style option 'translation: {place}' is not one of "
            f"{', '.join(TRANSLATION_PLACES)}; write 'translation: note' to print a translated "
            "quote's original and translation in its footnote, or 'translation: none'",
        )
    return str(place)


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

    translated_by: str
    """Whose translations the notes mark as such: the organisation's (report.yaml)."""
    translation: str
    """Where translations go: one of TRANSLATION_PLACES."""
    first_note: dict[str, int] = field(default_factory=dict)
    previous: tuple[tuple[str, str], ...] = ()
    """The (key, quoted_in) pairs of the note before: "ibid" means exactly one, repeated."""
    count: int = 0


def resolve(doc: Document, sources: Mapping[str, Source], style: NoteStyle) -> Document:
    """Number the notes 1..n in reading order and write each one with `style`."""
    seen = _Positions(doc.meta.organisation, style.translation)

    def visit(node: Inline) -> Inline:
        if not isinstance(node, Cite):
            return node
        seen.count += 1
        items = [_citation(item, sources, seen) for item in node.items]
        seen.previous = tuple((item.key, item.quoted_in) for item in node.items)
        keys = tuple(k for item in node.items for k in (item.key, item.quoted_in) if k)
        return Note(seen.count, style.note(items), node.claim_id, tuple(dict.fromkeys(keys)))

    return walk_inlines(doc, visit)


def _citation(item: CiteItem, sources: Mapping[str, Source], seen: _Positions) -> dict[str, Any]:
    """One entry of `citations` in a style's `note(citations)` (documented in the README)."""
    ibid = seen.previous == ((item.key, item.quoted_in),)
    cited = _position(item.key, sources, seen, ibid)
    return {
        **cited,
        "locator": item.locator,
        "pinpoint": pinpoint(item.locator),
        "note": seen.count,
        "quoted_in": _position(item.quoted_in, sources, seen, ibid) if item.quoted_in else None,
        **_translated(item, seen),
    }


def _translated(item: CiteItem, seen: _Positions) -> dict[str, str]:
    """`quote`, `translation` and `translated_by` for a style; all "" unless the claim gives
    a translation of its quote and `style_options` prints translations in the note."""
    if seen.translation != "note" or not (item.quote.strip() and item.translation.strip()):
        return {"quote": "", "translation": "", "translated_by": ""}
    return {
        "quote": item.quote,
        "translation": item.translation,
        "translated_by": seen.translated_by,
    }


def _position(
    key: str, sources: Mapping[str, Source], seen: _Positions, ibid: bool
) -> dict[str, Any]:
    first = key not in seen.first_note
    seen.first_note.setdefault(key, seen.count)
    return {
        "source": source_view(sources[key]),
        "position": "first" if first else "ibid" if ibid else "subsequent",
        "first": first,
        "first_note": seen.first_note[key],
    }


def pinpoint(locator: str) -> dict[str, Any]:
    """ "para. 3" -> label "paragraph", value "3"; "at 02:14" -> "time"; "12-14" -> "page".

    Styles print the label their way (Chicago "para. 3", OSCOLA "para 3", page numbers bare).
    An unrecognised locator has label "" and is printed as written.
    """
    text = " ".join(locator.split())
    match = _LOCATOR.match(text)
    label, value = "", text
    if _TIMESTAMP.match(text):
        label = "time"
    elif _NUMBERS.match(text):
        label = "page"
    elif match and match.group(1).lower() in _LABEL_OF:
        label, value = _LABEL_OF[match.group(1).lower()], match.group(2)
    if label not in ("time", ""):
        value = re.sub(r"(?<=\w)\s*-+\s*(?=\w)", "–", value)  # ranges take an en dash
    plural = label not in ("time", "") and bool(re.search(r"[–,&]|\band\b", value))
    return {"label": label, "value": value, "plural": plural, "text": text}


def source_view(source: Source) -> dict[str, Any]:
    """What a style template sees of a source (documented in the README)."""
    return {
        "key": source.key,
        "kind": source.kind,
        "title": source.title,
        "short_title": short_title(source),
        "authors": [_name_view(n) for n in source.authors],
        "editors": [_name_view(n) for n in source.editors],
        "translators": [_name_view(n) for n in source.translators],
        "container": source.container,
        "publisher": source.publisher,
        "place": source.place,
        "number": source.number,
        "genre": source.genre,
        "volume": source.volume,
        "issue": source.issue,
        "pages": source.pages,
        "doi": source.doi,
        "doi_url": f"https://doi.org/{source.doi}" if source.doi else "",
        "edition": source.edition,
        "authority": source.authority,
        "journal": source.kind == "article" and bool(source.volume or source.issue or source.pages),
        "un_document": is_un_document(source),
        "date": source.date,
        "url": source.url,
        "urldate": source.urldate,
        "archive_url": source.archive_url,
        "archive_date": source.archive_date,
        "note": source.note,
        "described": source.title.startswith("["),
        "fields": dict(source.fields),
    }


def is_un_document(source: Source) -> bool:
    """A document with a UN symbol ("A/HRC/46/26"), or a numbered one the UN publishes."""
    if not source.number:
        return False
    issuers = [source.publisher, *(a.literal for a in source.authors)]
    return bool(_UN_SYMBOL.match(source.number)) or any(_UN_BODY.match(i) for i in issuers if i)


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
    """`shorttitle` (CSL `title-short`) when given; else the short form each kind takes.

    A case: the first party's name, whole ("Tagayeva and Others v. Russia" -> "Tagayeva";
    CMOS 17 14.277, OSCOLA 4 2.3.4). Legislation: the full short title, which is already short
    ("Human Rights Act 1998"). A descriptive title ("[Interview with witness A]") is never cut:
    its last words are often what tells two witnesses apart. Anything else: the main title
    (before a colon) cut after its first four key words, never ending on an article,
    preposition or conjunction (CMOS 17 14.32): "Report on the Human Rights Situation in
    Ukraine" -> "Report on the Human Rights Situation".
    """
    if source.shorttitle or source.title.startswith("["):
        return source.shorttitle or source.title
    if source.kind == "jurisdiction":
        parties = _VERSUS.split(source.title, maxsplit=1)
        if len(parties) != 2:
            return source.title
        # "R v Smith": the Crown is every criminal case's first party; the accused names it.
        first = parties[1] if parties[0] in _CROWN else parties[0]
        return _AND_OTHERS.sub("", first)
    if source.kind == "legislation":
        return source.title
    parts = re.split(r"\s*:\s", source.title, maxsplit=1)
    # The main title, before a colon; "Russia: Prisoner of Conscience ..." keeps more than
    # its one-word label, which tells nothing apart.
    main = parts[0] if len(parts[0].split()) > 1 else source.title
    return _cut(main.split())


def _cut(words: list[str]) -> str:
    """The words of a main title cut to at most four key words, at a phrase boundary.

    A title of up to five key words stays whole (CMOS: "about four"). Otherwise the longest
    start that ends before a function word ("of", "in", "where", ...) and holds at most four
    key words: "Report of the Working Group | on Arbitrary Detention". Without such a start,
    the first four key words. Never inside a quotation; never ending on a function word.
    """
    if _key_words(words) <= SHORT_TITLE_WORDS + 1:
        return " ".join(words)
    best: list[str] = []
    for i in range(1, len(words)):
        start = words[:i]
        if _key_words(start) > SHORT_TITLE_WORDS:
            break
        if _minor(words[i]) and not _minor(start[-1]) and not _open_quote(start):
            best = start
    if not best:
        for word in words:
            if _key_words(best) >= SHORT_TITLE_WORDS and not _open_quote(best):
                break
            best.append(word)
    while len(best) > 1 and _minor(best[-1]):
        best.pop()
    return " ".join(best).rstrip(",:;")


def _minor(word: str) -> bool:
    return word.lower().strip("‘’“”\"'") in _MINOR_WORDS


def _key_words(words: list[str]) -> int:
    return sum(1 for w in words if not _minor(w))


def _open_quote(words: list[str]) -> bool:
    text = " ".join(words)
    return any(text.rfind(o) > text.rfind(c) for o, c in (("“", "”"), (" ‘", "’")))


def sort_key(source: Source) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Bibliography order: first author (family or corporate name), else title; then date.

    Leading brackets, quotation marks and articles are ignored ("[Interview ...]" sorts
    under I, "The Guardian" under G), as Chicago and OSCOLA alphabetise; names and titles are
    compared by the Unicode Collation Algorithm (König before Kramer).
    """
    first = source.authors[0] if source.authors else None
    lead = (first.literal or first.family) if first else source.title
    return (
        collation_key(sortable(lead)),
        collation_key(sortable(source.title)),
        source.date.iso() if source.date else "",
    )
