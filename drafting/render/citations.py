"""Resolve citations: every `Cite` becomes a numbered `Note` whose text a style template writes.

Runs once over the whole parsed document (first and subsequent forms depend on order across
the brief, as citeproc's two passes do). The style is a Jinja2 template, not Python: it
defines a macro `note(citations)`, a macro `entry(source)` for the list of sources and,
optionally, `sort_key(source)` for that list's order. This module gives it the context
(documented in the README); the filters it uses are in `style_filters`.
"""

from __future__ import annotations

import re
from _collections_abc import dict_items, dict_keys, dict_values
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from markdown_it import MarkdownIt

from drafting.gcpause import without_gc
from drafting.model import Cite, CiteItem, Document, Emph, Inline, Name, Note, Source, Text
from drafting.problems import fail
from drafting.render.style_filters import STYLE_FILTERS, sortable
from drafting.render.templating import KEYED_TYPES, Md, get_template, template_errors
from drafting.render.walk import walk_inlines
from drafting.text import inlines_from_tokens, merge_text, xml_safe

__all__ = ["STYLE_FILTERS", "NoteStyle", "pinpoint", "resolve", "sort_key", "source_view"]

SHORT_TITLE_WORDS = 4
# A short title does not end on one of these ("Report of the" -> "Report").
_MINOR_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "&", "or", "in", "on", "at", "to", "for", "by", "with"}
    | {"from", "about", "into", "against", "under", "over", "as", "—", "–", "-"}
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
_LOCATOR = re.compile(r"^\s*([^\W\d]+|¶+|§+)\.?\s*(\S.*?)\s*$")
_TIMESTAMP = re.compile(r"^\d{1,2}(:\d{2}){1,2}$")
_PAGE = r"(?:\d+[a-z]?|(?=[ivxlc])x{0,3}(?:ix|iv|v?i{0,3})|(?=[ivxlc])l?x{0,3}(?:ix|iv|v?i{0,3}))"
_NUMBERS = re.compile(rf"^{_PAGE}(?:\s*(?:[,–&-]+|and)\s*{_PAGE})*$", re.IGNORECASE)
# A backslash escape in a note (CommonMark: any ASCII punctuation), and emphasis delimiters.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_DELIMITERS = re.compile(r"\\[!-/:-@\[-`{-~]|[*_]")


class NoteStyle:
    """A citation style template, loaded once: `styles/NAME.md.j2`."""

    def __init__(
        self, env: jinja2.Environment, name: str, options: Mapping[str, Option] | None = None
    ) -> None:
        self.name = name
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
        self._notes: dict[Hashable, tuple[Inline, ...]] | None = (
            {} if _stateless(env, self.template.name) else None
        )

    def note(
        self, citations: list[dict[str, Any]], signature: Hashable = None
    ) -> tuple[Inline, ...]:
        """One footnote. A long brief repeats notes ("Smith, *Title*, para. 3."): when a
        `signature` (everything in `citations` but the note's number) is given, a note whose
        rendering did not read its own number is kept and reused for the same signature."""
        if self._notes is not None and signature is not None and signature in self._notes:
            return self._notes[signature]
        watched = [_Citation(c) for c in citations]
        with template_errors():
            markdown = str(self.module.note(watched))  # type: ignore[attr-defined]
        inlines = parse_note(markdown)
        numbered = any(c.numbered for c in watched)
        if self._notes is not None and signature is not None and not numbered:
            self._notes[signature] = inlines
        return inlines

    def entry(self, source: dict[str, Any]) -> Md:
        """A bibliography entry; `source` is a `source_view`."""
        with template_errors():
            entry = str(self.module.entry(source))  # type: ignore[attr-defined]
        return Md(entry.strip())

    def sort_key(self, source: Source) -> tuple[str, tuple[str, str, str]]:
        """The style's `sort_key(source)` macro if it has one, then the generic order."""
        macro = getattr(self.module, "sort_key", None)
        if macro is None:
            return ("", sort_key(source))
        with template_errors():
            key = str(macro(source_view(source)))
        # The macro's output was escaped for Markdown; sort on the text it stands for.
        return (re.sub(r"\\(.)", r"\1", " ".join(key.split())), sort_key(source))


@lru_cache(maxsize=1)
def _note_parser() -> MarkdownIt:
    # Notes may use *italics*, **bold** and backslash escapes, nothing else (no links, no HTML).
    return MarkdownIt("zero").enable(["emphasis", "escape"])


def parse_note(markdown: str) -> tuple[Inline, ...]:
    text = " ".join(markdown.split())
    quick = _plain_note(text)
    if quick is not None:
        return quick
    tokens = _note_parser().parseInline(text)
    return inlines_from_tokens(tokens[0].children or []) if tokens else ()


def _plain_note(text: str) -> tuple[Inline, ...] | None:
    """The two shapes most notes take, read without the parser (it costs ~0.3 ms a note):
    only backslash escapes, or one `*italic*` run opened after a space and closed after a
    letter or digit (CommonMark: a left- and a right-flanking delimiter, nothing to balance).
    None for anything else, which the parser reads."""
    marks = [m.start() for m in _DELIMITERS.finditer(text) if m.group() in "*_"]
    if not marks:
        return merge_text([Text(_unescape(text))])
    if len(marks) != 2 or text[marks[0]] != "*" or text[marks[1]] != "*":
        return None
    i, j = marks
    if j - i < 2 or not (i == 0 or text[i - 1] == " "):
        return None
    if not (text[i + 1].isalnum() and text[j - 1].isalnum()):
        return None
    inner = Emph((Text(_unescape(text[i + 1 : j])),))
    return merge_text([Text(_unescape(text[:i])), inner, Text(_unescape(text[j + 1 :]))])


def _unescape(markdown: str) -> str:
    return xml_safe(_ESCAPED.sub(r"\1", markdown))


class _Citation(dict[str, Any]):
    """One entry of `citations` as a style sees it, noting whether the style used the note's
    own number (`note`), or the entry as a whole, where the number could be printed."""

    __slots__ = ("numbered",)

    def __init__(self, items: dict[str, Any]) -> None:
        super().__init__(items)
        self.numbered = False

    def __getitem__(self, key: str) -> Any:
        self.numbered |= key == "note"
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.numbered |= key == "note"
        return super().get(key, default)

    def _whole(self) -> None:
        self.numbered = True

    def __iter__(self) -> Iterator[str]:
        self._whole()
        return super().__iter__()

    def keys(self) -> dict_keys[str, Any]:
        self._whole()
        return super().keys()

    def values(self) -> dict_values[str, Any]:
        self._whole()
        return super().values()

    def items(self) -> dict_items[str, Any]:
        self._whole()
        return super().items()

    def __repr__(self) -> str:
        self._whole()
        return super().__repr__()

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        self._whole()
        return super().__eq__(other)

    def copy(self) -> dict[str, Any]:
        self._whole()
        return super().copy()


KEYED_TYPES[_Citation] = frozenset(dir(_Citation))

# Jinja globals that keep state from one call to the next: a style using one (or a namespace
# attribute set, or another template) may print differently for the same citations.
_STATEFUL = frozenset({"joiner", "cycler", "namespace", "lipsum"})


def _stateless(env: jinja2.Environment, name: str | None) -> bool:
    """Whether the style's output depends on nothing but its arguments and `options`."""
    if name is None or env.loader is None:
        return False
    with template_errors():
        source = env.loader.get_source(env, name)[0]
        tree = env.parse(source)
    if any(True for _ in tree.find_all((nodes.NSRef, nodes.Import, nodes.FromImport))):
        return False
    if any(True for _ in tree.find_all((nodes.Include, nodes.Extends))):
        return False
    return not any(n.name in _STATEFUL for n in tree.find_all(nodes.Name))


@dataclass(slots=True)
class _Positions:
    """What the citation pass has seen so far, in document order."""

    first_note: dict[str, int] = field(default_factory=dict)
    previous: tuple[tuple[str, str], ...] = ()
    """The (key, quoted_in) pairs of the note before: "ibid" means exactly one, repeated."""
    count: int = 0


@without_gc
def resolve(doc: Document, sources: Mapping[str, Source], style: NoteStyle) -> Document:
    """Number the notes 1..n in reading order and write each one with `style`."""
    seen = _Positions()
    views = _Views(sources)

    def visit(node: Inline) -> Inline:
        if not isinstance(node, Cite):
            return node
        seen.count += 1
        items = [_citation(item, views, seen) for item in node.items]
        # What the note depends on besides its number: the same signature, the same note.
        signature = tuple(
            (item.key, item.quoted_in, item.locator, c["position"], c["first_note"])
            + ((c["quoted_in"]["position"], c["quoted_in"]["first_note"]) if item.quoted_in else ())
            for item, c in zip(node.items, items, strict=True)
        )
        seen.previous = tuple((item.key, item.quoted_in) for item in node.items)
        keys = tuple(k for item in node.items for k in (item.key, item.quoted_in) if k)
        content = style.note(items, signature)
        return Note(seen.count, content, node.claim_id, tuple(dict.fromkeys(keys)))

    return walk_inlines(doc, visit)


@dataclass(slots=True)
class _Views:
    """`source_view` of each source, made once per brief: notes cite the same few often."""

    sources: Mapping[str, Source]
    made: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key not in self.made:
            self.made[key] = source_view(self.sources[key])
        return self.made[key]


def _citation(item: CiteItem, views: _Views, seen: _Positions) -> dict[str, Any]:
    """One entry of `citations` in a style's `note(citations)` (documented in the README)."""
    ibid = seen.previous == ((item.key, item.quoted_in),)
    cited = _position(item.key, views, seen, ibid)
    return {
        **cited,
        "locator": item.locator,
        "pinpoint": _pinpoint(item.locator),
        "note": seen.count,
        "quoted_in": _position(item.quoted_in, views, seen, ibid) if item.quoted_in else None,
    }


def _position(key: str, views: _Views, seen: _Positions, ibid: bool) -> dict[str, Any]:
    first = key not in seen.first_note
    seen.first_note.setdefault(key, seen.count)
    return {
        "source": views[key],
        "position": "first" if first else "ibid" if ibid else "subsequent",
        "first": first,
        "first_note": seen.first_note[key],
    }


@lru_cache(maxsize=4096)
def _pinpoint(locator: str) -> dict[str, Any]:
    # Shared between notes: templates run in the immutable sandbox and cannot change it.
    return pinpoint(locator)


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
        "container": source.container,
        "publisher": source.publisher,
        "place": source.place,
        "number": source.number,
        "genre": source.genre,
        "date": source.date,
        "url": source.url,
        "urldate": source.urldate,
        "archive_url": source.archive_url,
        "archive_date": source.archive_date,
        "note": source.note,
        "described": source.title.startswith("["),
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
    """`shorttitle`, else the title cut to its first four words (Chicago 14.30).

    A descriptive title ("[Interview with witness A]") is never cut: its last words are often
    what tells two witnesses apart.
    """
    if source.shorttitle or source.title.startswith("["):
        return source.shorttitle or source.title
    main = re.split(r"\s*:\s", source.title, maxsplit=1)[0] or source.title  # no subtitle
    words = main.split()
    if len(words) <= SHORT_TITLE_WORDS:
        return main
    cut = words[:SHORT_TITLE_WORDS]
    while _open_quote(cut) and len(cut) < len(words):  # never end inside a quotation
        cut.append(words[len(cut)])
    while len(cut) > 1 and cut[-1].lower() in _MINOR_WORDS:
        cut.pop()
    return " ".join(cut).rstrip(",:;")


def _open_quote(words: list[str]) -> bool:
    text = " ".join(words)
    return any(text.rfind(o) > text.rfind(c) for o, c in (("“", "”"), (" ‘", "’")))


def sort_key(source: Source) -> tuple[str, str, str]:
    """Bibliography order: first author (family or corporate name), else title; then date.

    Leading brackets, quotation marks and articles are ignored ("[Interview ...]" sorts
    under I, "The Guardian" under G), as Chicago and OSCOLA alphabetise.
    """
    first = source.authors[0] if source.authors else None
    lead = (first.literal or first.family) if first else source.title
    return (sortable(lead), sortable(source.title), source.date.iso() if source.date else "")
