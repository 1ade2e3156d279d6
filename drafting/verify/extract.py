"""Read claims, footnotes, loose sentences, comments and tracked changes out of WordprocessingML.

The build feeds this same reader what it writes, element by element as it writes it
(`reader`), to make its manifest, so a claim read back from an unedited file is equal to what
the manifest recorded (tests/oracles.py checks it on every .docx the tests build).

Rules (all documented in README, "Verifying an edited brief"):
- A claim is the text between `w:bookmarkStart w:name=NAME` and the `w:bookmarkEnd` with the
  same `w:id`, in document order, across paragraphs. Bookmarks are matched by *name*: Word and
  LibreOffice renumber their ids.
- A claim's footnote is a footnote reference inside its bookmark, or the first one after it
  with nothing but spaces and punctuation in between (builds put the mark right after).
- Tracked changes are read as if accepted: text in `w:ins`/`w:moveTo` counts, text in
  `w:del`/`w:moveFrom` does not (a deleted footnote reference is a removed footnote).
- Text outside every claim is split into sentences ("loose" text); each records whether a
  footnote reference falls in it.
- Whitespace is collapsed and text is NFC-normalised on both sides, so re-flowing a paragraph
  is not an edit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
Element = Any  # lxml element


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


_P, _T, _TAB, _BR, _CR = _w("p"), _w("t"), _w("tab"), _w("br"), _w("cr")
_NBH = _w("noBreakHyphen")
_BM_START, _BM_END = _w("bookmarkStart"), _w("bookmarkEnd")
_NOTE_REF = _w("footnoteReference")
_C_START, _C_END, _C_REF = _w("commentRangeStart"), _w("commentRangeEnd"), _w("commentReference")
_DEL_TEXT = _w("delText")
_HIDDEN = {_w("delText"), _w("instrText"), _w("delInstrText"), f"{{{MC}}}Fallback"}
_REMOVED = {_w("del"), _w("moveFrom")}
_ADDED = {_w("ins"), _w("moveTo")}
_PROPERTY_CHANGES = {
    _w(name) for name in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange")
}
_PROPERTIES = {
    _w(name) for name in ("pPr", "rPr", "sectPr", "tblPr", "trPr", "tcPr", "sdtPr", "sdtEndPr")
}
_NOTE_MARK = "\ue000"  # stands for a footnote reference inside loose text while splitting
_SENTENCE_END = re.compile(r"[.!?…]+[”’\"')\]\ue000]*(?=\s|$)")
_LEADING_PUNCTUATION = re.compile(r"[.,;:!?…”’\"')\]]*")
_ONLY_PUNCTUATION = re.compile(r"[\s.,;:!?…”’\"')\]]*")


def normalise(text: str) -> str:
    """Collapse whitespace and apply NFC: what is compared and hashed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def sentences(text: str) -> list[str]:
    """Split at ., !, ? or … followed by a space (closing quotes and note marks stay)."""
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        parts.append(text[start : end.end()])
        start = end.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


@dataclass
class ClaimRead:
    """One claim bookmark as found in the document."""

    bookmark: str
    paragraph: int
    """Index of the body paragraph where the bookmark starts."""
    pieces: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Footnote ids attached to the claim, in order."""
    comments: set[str] = field(default_factory=set)
    pending: bool = False
    """A tracked change (insertion, deletion, formatting) touches the claim's words."""

    @property
    def text(self) -> str:
        return normalise("".join(self.pieces))


@dataclass(frozen=True)
class Loose:
    """A sentence outside every claim."""

    text: str
    paragraph: int
    notes: tuple[str, ...]
    pending: bool


@dataclass(frozen=True)
class NoteRead:
    text: str
    pending: bool


@dataclass
class CommentRead:
    id: str
    author: str = ""
    date: str = ""
    text: str = ""
    claims: list[str] = field(default_factory=list)
    """Bookmark names of the claims the comment's range or mark touches."""
    anchor: list[str] = field(default_factory=list)
    """The words the comment is attached to."""


@dataclass
class Extracted:
    claims: list[ClaimRead]
    """In order of their bookmarks; a bookmark name seen twice keeps its first place."""
    loose: list[Loose]
    notes: dict[str, NoteRead]
    comments: dict[str, CommentRead]
    pending: int
    """Tracked changes in the body and the footnotes, as a count of change marks."""

    def __post_init__(self) -> None:
        self._index = {c.bookmark: c for c in self.claims}

    def claim(self, bookmark: str) -> ClaimRead | None:
        return self._index.get(bookmark)

    def note_text(self, claim: ClaimRead) -> str:
        return " ".join(self.notes[n].text for n in claim.notes if n in self.notes)


class _Walker:
    """One pass over the body in document order (see the module's rules)."""

    def __init__(self, is_claim: Callable[[str], bool]) -> None:
        self.is_claim = is_claim
        self.claims: dict[str, ClaimRead] = {}
        self.open: dict[str, ClaimRead] = {}  # bookmark w:id -> claim
        self.last_closed: ClaimRead | None = None
        self.glue: ClaimRead | None = None
        """The claim that has just ended, until the next text."""
        self.paragraph = -1
        self.loose_text: list[str] = []
        self.loose_notes: list[str] = []
        self.loose_pending = False
        self.loose: list[Loose] = []
        self.comments: dict[str, CommentRead] = {}
        self.open_comments: set[str] = set()
        self.pending = 0
        self.raw: list[str] = []
        """All text outside claims, in order (a footnote's text)."""

    def walk(self, node: Element, removed: bool = False, added: bool = False) -> None:
        tag = node.tag
        if tag == _DEL_TEXT and (node.text or "").strip():
            self._touch()  # deleted words of a claim make it pending, wherever the w:del began
        if not isinstance(tag, str) or tag in _HIDDEN:
            return
        if tag in _PROPERTY_CHANGES:
            self.pending += 1
            self._touch()
            return
        if tag in _PROPERTIES:
            self._properties(node)
            return
        if tag in _REMOVED or tag in _ADDED:
            self.pending += 1
            self._touch()
            removed = removed or tag in _REMOVED
            added = added or tag in _ADDED
        if tag == _P:
            self._paragraph(node, removed, added)
            return
        self._leaf(node, removed, added)
        for child in node:
            self.walk(child, removed, added)

    def _properties(self, node: Element) -> None:
        """Property blocks hold no text; a tracked insertion or deletion of a paragraph mark
        or a formatting change inside them is still a pending change."""
        for _change in node.iter(*_REMOVED, *_ADDED, *_PROPERTY_CHANGES):
            self.pending += 1
            self._touch()

    def _paragraph(self, node: Element, removed: bool, added: bool) -> None:
        mark_deleted = node.find(f"{_w('pPr')}/{_w('rPr')}/{_w('del')}") is not None
        if not mark_deleted:
            self.paragraph_start()
        for child in node:
            self.walk(child, removed, added)
        if mark_deleted:
            return  # accepted, the paragraph joins the next one: no break
        self.paragraph_end()

    # The events of a document read in order. The Word writer calls them as it writes (see
    # `reader`), so the manifest it records is what this reader finds in the file.

    def paragraph_start(self) -> None:
        self.paragraph += 1

    def paragraph_end(self) -> None:
        for claim in self.open.values():
            claim.pieces.append("\n")
        self.raw.append("\n")
        self._flush_loose()
        self.last_closed = self.glue = None

    def bookmark_start(self, name: str, bookmark_id: str) -> None:
        if self.is_claim(name) and name not in self.claims:
            self._flush_loose()
            self.glue = None
            claim = ClaimRead(name, max(self.paragraph, 0))
            self.claims[name] = claim
            self.open[bookmark_id or name] = claim
            claim.comments |= self.open_comments

    def bookmark_end(self, bookmark_id: str) -> None:
        closed = self.open.pop(bookmark_id, None)
        if closed is not None:
            self.last_closed = self.glue = closed

    def _leaf(self, node: Element, removed: bool, added: bool) -> None:
        tag = node.tag
        if tag == _BM_START:
            self.bookmark_start(node.get(_w("name")) or "", node.get(_w("id")) or "")
        elif tag == _BM_END:
            self.bookmark_end(node.get(_w("id")) or "")
        elif removed:
            return
        elif tag in (_T, _TAB, _BR, _CR, _NBH):
            if added:  # inserted words: the claim they land in is pending (LibreOffice may
                self._touch()  # put the bookmark start inside the w:ins)
            self.text({_T: node.text or "", _NBH: "-"}.get(tag, " "))
        elif tag == _NOTE_REF:
            self.note(node.get(_w("id")) or "")
        elif tag == _C_START:
            self._comment(node)
            self.open_comments.add(node.get(_w("id")) or "")
        elif tag == _C_END:
            self.open_comments.discard(node.get(_w("id")) or "")
        elif tag == _C_REF:
            comment = self._comment(node)
            target = self._innermost() or self.last_closed
            if target is not None and target.bookmark not in comment.claims:
                comment.claims.append(target.bookmark)

    def _comment(self, node: Element) -> CommentRead:
        comment_id = node.get(_w("id")) or ""
        return self.comments.setdefault(comment_id, CommentRead(comment_id))

    def _innermost(self) -> ClaimRead | None:
        return next(reversed(self.open.values()), None)

    def text(self, text: str) -> None:
        for comment_id in self.open_comments:
            comment = self.comments.setdefault(comment_id, CommentRead(comment_id))
            comment.anchor.append(text)
            for claim in self.open.values():
                if claim.bookmark not in comment.claims:
                    comment.claims.append(claim.bookmark)
        if self.open:
            for claim in self.open.values():
                claim.pieces.append(text)
            return
        if self.glue is not None:
            # LibreOffice saves a bookmark that ends before a footnote mark one character
            # early, leaving the claim's full stop outside: punctuation right after the end
            # (no space between) still belongs to the claim
            lead = _LEADING_PUNCTUATION.match(text)
            if lead and lead.group(0):
                self.glue.pieces.append(lead.group(0))
                text = text[lead.end() :]
            self.glue = None
            if not text:
                return
        self.loose_text.append(text)
        self.raw.append(text)
        if not _ONLY_PUNCTUATION.fullmatch(text):
            self.last_closed = None

    def note(self, note_id: str) -> None:
        target = self._innermost()
        if target is None and self.last_closed is not None:
            target, self.last_closed = self.last_closed, None
        if target is not None:
            target.notes.append(note_id)
            return
        self.loose_text.append(_NOTE_MARK)
        self.loose_notes.append(note_id)

    def found(self, notes: dict[str, NoteRead]) -> Extracted:
        """What the events so far hold (the body's claims and loose text), with `notes`."""
        self._flush_loose()
        return Extracted(list(self.claims.values()), self.loose, notes, {}, self.pending)

    def _touch(self) -> None:
        """A tracked change here: mark the open claims (or the loose text) as pending."""
        if self.open:
            for claim in self.open.values():
                claim.pending = True
        else:
            self.loose_pending = True

    def _flush_loose(self) -> None:
        text = unicodedata.normalize("NFC", "".join(self.loose_text))
        notes = iter(self.loose_notes)
        for sentence in sentences(" ".join(text.split())):
            marks = sentence.count(_NOTE_MARK)
            words = normalise(sentence.replace(_NOTE_MARK, ""))
            taken = tuple(next(notes, "") for _ in range(marks))
            if words and not _ONLY_PUNCTUATION.fullmatch(words):
                self.loose.append(Loose(words, self.paragraph, taken, self.loose_pending))
        self.loose_text, self.loose_notes, self.loose_pending = [], [], False


def reader(is_claim: Callable[[str], bool]) -> _Walker:
    """A reader fed event by event (`paragraph_start`, `bookmark_start`, `text`, `note`,
    `bookmark_end`, `paragraph_end`) instead of walking XML; `found` gives what it read."""
    return _Walker(is_claim)


def extract(
    body: Element,
    is_claim: Callable[[str], bool],
    footnotes: Element | None = None,
    comments: Element | None = None,
) -> Extracted:
    """Claims (bookmarks whose name passes `is_claim`), loose text, notes and comments."""
    walker = _Walker(is_claim)
    walker.walk(body)
    walker._flush_loose()
    notes, note_changes = read_notes(footnotes)
    found = walker.comments
    for comment in _comments(comments):
        known = found.get(comment.id)
        if known is not None:
            comment.claims, comment.anchor = known.claims, known.anchor
        found[comment.id] = comment
    return Extracted(
        list(walker.claims.values()), walker.loose, notes, found, walker.pending + note_changes
    )


def read_notes(root: Element | None) -> tuple[dict[str, NoteRead], int]:
    """Footnote id -> its text (tracked changes accepted); separators left out."""
    notes: dict[str, NoteRead] = {}
    changes = 0
    if root is None:
        return notes, changes
    for note in root.iterchildren(_w("footnote")):
        if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        walker = _Walker(lambda _name: False)
        walker.walk(note)
        text = normalise("".join(walker.raw))
        notes[note.get(_w("id")) or ""] = NoteRead(text, walker.pending > 0)
        changes += walker.pending
    return notes, changes


def _comments(root: Element | None) -> Iterator[CommentRead]:
    if root is None:
        return
    for node in root.iterchildren(_w("comment")):
        text = normalise(" ".join(t.text or "" for t in node.iter(_T)))
        yield CommentRead(
            node.get(_w("id")) or "", node.get(_w("author")) or "", node.get(_w("date")) or "", text
        )
