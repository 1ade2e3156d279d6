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
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeGuard

import jinja2
from jinja2 import nodes
from markdown_it import MarkdownIt

from drafting.gcpause import without_gc
from drafting.memo import Memo
from drafting.model import Cite, CiteItem, Document, Emph, Inline, Name, Note, Source, Text
from drafting.problems import fail
from drafting.render import memos
from drafting.render.style_filters import STYLE_FILTERS, collation_key, sortable
from drafting.render.templating import KEYED_TYPES, Md, get_template, template_errors
from drafting.render.walk import walk_inlines
from drafting.text import inlines_from_tokens, merge_text, xml_safe

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
# A backslash escape in a note (CommonMark: any ASCII punctuation), and emphasis delimiters.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_DELIMITERS = re.compile(r"\\[!-/:-@\[-`{-~]|[*_]")


class NoteStyle:
    """A citation style template, loaded once: `styles/NAME.md.j2`.

    With a `memo` (`memos.render_memo`), what a stateless style rendered in an earlier run
    for the very same arguments is read back instead (`memos` says what the keys hold), and
    the template is compiled only when something is not in the memo."""

    def __init__(
        self,
        env: jinja2.Environment,
        name: str,
        options: Mapping[str, Option] | None = None,
        memo: Memo | None = None,
    ) -> None:
        self.name = name
        self.translation = _translation_place(options or {})
        self._env = env
        self._options = dict(options or {})
        self._module: Any = None
        self._template: jinja2.Template | None = None
        self._views = memos.Views(source_view)
        self._memo = memo
        self.key: str | None = None
        """The digest of the style's source, options and libraries; None: nothing memoised."""
        self._has_sort_key = False
        stateless = memo is not None and self._known()
        if not stateless:  # compiled now, as a style always was without a memo
            self._compile()
            stateless = _stateless(env, self.template.name)
            self._has_sort_key = hasattr(self.module, "sort_key")
            if memo is not None and self.key is not None and stateless:
                memo.put(self.key, {"stateless": True, "sort_key": self._has_sort_key})
            if not stateless:
                self.key = None
        self._notes: dict[Hashable, tuple[Inline, ...]] | None = {} if stateless else None

    def _known(self) -> bool:
        """Whether an earlier run compiled this very source with these options and found it
        stateless (and whether it has `sort_key`); sets `key` if the style can be memoised."""
        assert self._memo is not None
        source = _template_source(self._env, f"styles/{self.name}.md.j2")
        if source is None:
            return False
        try:
            options = memos.plain(self._options)
        except memos.NotPlain:
            return False
        self.key = memos.digest("style", self.name, source, options, memos.libraries())
        facts = self._memo.get(self.key)
        if not (
            isinstance(facts, dict)
            and facts.get("stateless") is True
            and type(facts.get("sort_key")) is bool
        ):
            return False
        self._has_sort_key = bool(facts["sort_key"])
        return True

    def _compile(self) -> None:
        self._template = get_template(self._env, f"styles/{self.name}.md.j2")
        with template_errors():
            # `options` (report.yaml's style_options) is a global of the style's macros.
            self._module = self._template.make_module({"options": dict(self._options)})
        for macro in ("note", "entry"):
            if not hasattr(self._module, macro):
                raise fail(
                    "template-error",
                    f"citation style '{self.name}' has no macro '{macro}'; "
                    "a style must define {% macro note(citations) %} and "
                    "{% macro entry(source) %}",
                )

    @property
    def template(self) -> jinja2.Template:
        if self._template is None:
            self._compile()
        assert self._template is not None
        return self._template

    @property
    def module(self) -> Any:
        if self._module is None:
            self._compile()
        return self._module

    def note(
        self, citations: list[dict[str, Any]], signature: Hashable = None
    ) -> tuple[Inline, ...]:
        """One footnote. A long brief repeats notes ("Smith, *Title*, para. 3."): when a
        `signature` (everything in `citations` but the note's number) is given, a note whose
        rendering did not read its own number is kept and reused for the same signature."""
        notes = self._notes
        key = signature if notes is not None and _hashable(signature) else None
        if notes is not None and key is not None and key in notes:
            return notes[key]
        memo_key = self._note_key(citations)
        inlines, numbered = self._remembered(memo_key, citations)
        if inlines is None:
            watched = [_Citation(c) for c in citations]
            with template_errors():
                markdown = str(self.module.note(watched))
            inlines = parse_note(markdown)
            numbered = any(c.numbered for c in watched)
            self._remember(memo_key, citations, inlines, numbered)
        if notes is not None and key is not None and not numbered:
            notes[key] = inlines
        return inlines

    def _note_key(self, citations: list[dict[str, Any]]) -> str | None:
        """The memo's key for a note: everything its macro receives but its number."""
        if self.key is None or self._memo is None:
            return None
        try:
            return memos.digest("note", self.key, [self._shown(c) for c in citations])
        except (memos.NotPlain, TypeError, ValueError):  # a value JSON cannot hold: no key
            return None

    @staticmethod
    def _numbered_key(key: str, citations: list[dict[str, Any]]) -> str:
        """The key of a note whose rendering read its own number: the number too."""
        return memos.digest("numbered", key, memos.plain([c.get("note") for c in citations]))

    def _shown(self, citation: dict[str, Any]) -> dict[str, Any]:
        """A citation as a key: its sources by digest, the note's number left out. The other
        values are the plain text, numbers and flags `_citation` makes: JSON holds them."""
        out = {k: v for k, v in citation.items() if k not in ("note", "source", "quoted_in")}
        out["source"] = self._view_digest(citation.get("source"))
        within = citation.get("quoted_in")
        if within is not None:
            if not isinstance(within, dict):
                raise memos.NotPlain("quoted_in")
            out["quoted_in"] = {k: v for k, v in within.items() if k != "source"}
            out["quoted_in"]["source"] = self._view_digest(within.get("source"))
        else:
            out["quoted_in"] = None
        return out

    def _view_digest(self, view: object) -> str:
        digest = self._views.digest(view)
        if digest is None:
            raise memos.NotPlain("source")
        return digest

    def _remembered(
        self, key: str | None, citations: list[dict[str, Any]]
    ) -> tuple[tuple[Inline, ...] | None, bool]:
        """The note an earlier run rendered, and whether its rendering read its number."""
        if key is None or self._memo is None:
            return None, False
        found = self._memo.get(key)
        if isinstance(found, dict) and found.get("numbered") is True:
            try:
                return memos.decode(self._memo.get(self._numbered_key(key, citations))), True
            except memos.NotPlain:
                return None, False
        return memos.decode(found), False

    def _remember(
        self,
        key: str | None,
        citations: list[dict[str, Any]],
        inlines: tuple[Inline, ...],
        numbered: bool,
    ) -> None:
        if key is None or self._memo is None:
            return
        if not numbered:
            self._memo.put(key, memos.encode(inlines))
            return
        try:
            numbered_key = self._numbered_key(key, citations)
        except memos.NotPlain:
            return
        self._memo.put(key, {"numbered": True})
        self._memo.put(numbered_key, memos.encode(inlines))

    def view(self, source: Source) -> dict[str, Any]:
        """`source_view(source)`, made once per source: the notes, the Sources list and its
        order share it (templates cannot change it: the sandbox is immutable), and so its
        digest is made once too."""
        return self._views.view(source)

    def entry(self, source: dict[str, Any]) -> Md:
        """A bibliography entry; `source` is a `source_view`."""
        key = self._source_key("entry", source)
        found = self._memo.get(key) if key is not None and self._memo is not None else None
        if type(found) is str:
            return Md(found)
        with template_errors():
            entry = str(self.module.entry(source)).strip()
        if key is not None and self._memo is not None:
            self._memo.put(key, entry)
        return Md(entry)

    def _source_key(self, kind: str, view: object, *more: object) -> str | None:
        if self.key is None or self._memo is None:
            return None
        digest = self._views.digest(view)
        return None if digest is None else memos.digest(kind, self.key, digest, *more)

    def ordered(self, sources: Mapping[str, Source]) -> list[str]:
        """The keys of `sources` in the order of the Sources list: by `sort_key`, then key.
        The order is kept whole (one entry, not 400 collation keys of ~100 numbers each)."""
        key = self._order_key(sources)
        found = self._memo.get(key) if key is not None and self._memo is not None else None
        if _permutation(found, sources):
            return list(found)
        made = sorted(sources, key=lambda k: (self.sort_key(sources[k]), k))
        if key is not None and self._memo is not None:
            self._memo.put(key, made)
        return made

    def _order_key(self, sources: Mapping[str, Source]) -> str | None:
        if self.key is None or self._memo is None:
            return None
        digests = [[k, self._views.digest(self.view(sources[k]))] for k in sorted(sources)]
        if any(d is None for _, d in digests):
            return None
        return memos.digest("order", self.key, memos.collation_version(), digests)

    def sort_key(
        self, source: Source
    ) -> tuple[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...], str]]:
        """The style's `sort_key(source)` macro if it has one, then the generic order; both
        compared by the Unicode Collation Algorithm."""
        if not self._has_sort_key:
            return ((), sort_key(source))
        with template_errors():
            key = str(self.module.sort_key(self.view(source)))
        # The macro's output was escaped for Markdown; sort on the text it stands for.
        return (collation_key(re.sub(r"\\(.)", r"\1", " ".join(key.split()))), sort_key(source))


def _permutation(value: Any, keys: Mapping[str, Any]) -> TypeGuard[list[str]]:
    """Whether `value` lists every one of `keys` once, and nothing else."""
    if type(value) is not list or len(value) != len(keys):
        return False
    return all(type(k) is str for k in value) and set(value) == keys.keys()


def _template_source(env: jinja2.Environment, name: str) -> str | None:
    """The source the loader gives for `name`, or None where `get_template` would fail."""
    if env.loader is None:
        return None
    try:
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound:
        return None


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


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:  # a value added to citations that cannot be a key: render every time
        return False
    return True


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

    translated_by: str
    """Whose translations the notes mark as such: the organisation's (report.yaml)."""
    translation: str
    """Where translations go: one of TRANSLATION_PLACES."""
    first_note: dict[str, int] = field(default_factory=dict)
    previous: tuple[tuple[str, str], ...] = ()
    """The (key, quoted_in) pairs of the note before: "ibid" means exactly one, repeated."""
    count: int = 0


@without_gc
def resolve(doc: Document, sources: Mapping[str, Source], style: NoteStyle) -> Document:
    """Number the notes 1..n in reading order and write each one with `style`."""
    seen = _Positions(doc.meta.organisation, style.translation)
    views = _Views(sources, style.view)

    def visit(node: Inline) -> Inline:
        if not isinstance(node, Cite):
            return node
        seen.count += 1
        items = [_citation(item, views, seen) for item in node.items]
        # What the note depends on besides its number: the same signature, the same note.
        signature = tuple(_signature(item, c) for item, c in zip(node.items, items, strict=True))
        seen.previous = tuple((item.key, item.quoted_in) for item in node.items)
        keys = tuple(k for item in node.items for k in (item.key, item.quoted_in) if k)
        content = style.note(items, signature)
        return Note(seen.count, content, node.claim_id, tuple(dict.fromkeys(keys)))

    return walk_inlines(doc, visit)


# Entries of a citation that the signature replaces by what they derive from: the number
# (never part of it), the source and pinpoint (from the key and locator), the quoted-in source.
_DERIVED = frozenset({"note", "source", "pinpoint", "quoted_in"})


def _signature(item: CiteItem, citation: dict[str, Any]) -> Hashable:
    """Everything one entry of `citations` holds but the note's number, hashable: every plain
    value (position, first_note, locator, a translated quote, and any added later) by name."""
    plain = tuple((k, v) for k, v in citation.items() if k not in _DERIVED)
    within = citation["quoted_in"]
    where = (within["position"], within["first_note"]) if within else None
    return (item.key, item.quoted_in, plain, where)


@dataclass(slots=True)
class _Views:
    """`source_view` of each source, made once per brief: notes cite the same few often."""

    sources: Mapping[str, Source]
    view: Callable[[Source], dict[str, Any]]
    made: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key not in self.made:
            self.made[key] = self.view(self.sources[key])
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
