"""The brief's body and footnotes as WordprocessingML text, straight from the document model.

Nothing here reads the reference document: the writer is given the style ids it needs
(`Styles`) and how to number hyperlinks (`Links`), either from the reference document opened
with python-docx (`writers.wordpkg`) or from the memo of an earlier build
(`writers.skeleton`), and it returns the text of the body and of the notes, which are spliced
into their parts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, assert_never

from drafting.model import (
    Block,
    BulletList,
    Cite,
    ClaimSpan,
    Document,
    Emph,
    Heading,
    Inline,
    Meta,
    Note,
    Para,
    Strong,
    Text,
)
from drafting.verify import extract
from drafting.writers import wordml
from drafting.writers.common import byline

URL = re.compile(r"https?://[^\s<>\"“”‘’]+")
"""A URL in a note's text; closing punctuation is trimmed by `_url_end`."""

PARAGRAPH_STYLES = ("title", "subtitle", "heading 1", "heading 2", "heading 3", "list bullet")


@dataclass(frozen=True)
class Styles:
    """The style ids the body and the notes name, as the reference document defines them."""

    paragraph: dict[str, str | None]
    """Style name (lower case) -> id, for `PARAGRAPH_STYLES`; None where it has none."""
    note_reference: str
    note_text: str


class Links(Protocol):
    """Numbers the hyperlinks of the notes part, one relationship per URL."""

    def r_id(self, url: str) -> str: ...


class NewLinks:
    """The notes part's hyperlinks when it has no relationships yet (the reference
    document's are dropped): rId1, rId2... in the order the URLs are first met, as
    python-docx numbers them (`ooxml.Links`)."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}

    def r_id(self, url: str) -> str:
        return self.urls.setdefault(url, f"rId{len(self.urls) + 1}")


@dataclass(frozen=True)
class Filled:
    """What the brief itself puts into the package: every part not named here depends only
    on the reference document, the edition's banner and whether a note holds a URL."""

    body: str
    notes: str
    urls: tuple[str, ...]
    core: str
    manifest: bytes
    manifest_props: bytes


CORE_LIMIT = 255
"""Word's limit on a core property's length; the body keeps the whole text."""


def core_text(text: str) -> str:
    return text if len(text) <= CORE_LIMIT else text[: CORE_LIMIT - 1] + "…"


def core_children(meta: Meta, when: dt.datetime) -> str:
    """`docProps/core.xml`'s elements, as `wordpkg._core_properties` has python-docx write
    them."""
    return wordml.core_children(
        core_text(meta.title),
        core_text(meta.subtitle),
        core_text(meta.organisation),
        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        core_text(meta.banner) if meta.banner else None,
    )


def manifest(writer: Writer, meta: Meta, when: dt.datetime) -> tuple[bytes, str]:
    """The claim manifest's XML and its custom XML part's item id. Each claim's text and
    footnote are recorded as `draft verify`'s reader reads them: the writer fed that reader
    (drafting/verify/extract.py) everything it wrote to the body, in order, so it needs no
    second look at the XML (tests/oracles.py checks every built .docx against the reader run
    over the file)."""
    from drafting import __version__
    from drafting.verify import manifest

    edition = "internal" if meta.banner else "public"
    record = manifest.make(
        writer.found(),
        writer.claim_bookmarks,
        meta.report,
        when.date().isoformat(),
        f"draft {__version__}",
        edition,
    )
    # a fixed item id per report keeps builds byte-identical
    item_id = (
        "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{manifest.NS}/{meta.report}")).upper() + "}"
    )
    return manifest.to_xml(record), item_id


def bookmark_name(claim_id: str) -> str:
    """Word accepts bookmark names of letters, digits and '_', at most 40 characters."""
    name = "c_" + re.sub(r"[^A-Za-z0-9_]", "_", claim_id)
    if len(name) > 40 or name != "c_" + claim_id:
        digest = hashlib.sha256(claim_id.encode()).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


Place = tuple[list[str], int]
"""An element written as text: the list holding it and its index there."""


class Writer:
    """Writes blocks as XML text (wordml's `*_text` functions) for the body and the footnotes
    part, telling verify's reader what the body holds as it goes. `hyperlink_style` gives
    the id of the Hyperlink style, asked only when the first URL in a note needs it (the
    reference document may lack one, which python-docx then adds)."""

    def __init__(
        self,
        styles: Styles,
        links: Links,
        hyperlink_style: Callable[[], str],
        commented: bool = False,
    ) -> None:
        self.links = links
        self.find_hyperlink_style = hyperlink_style
        self.hyperlink_style = ""
        """Set when the first URL in a note needs it, so a brief without one adds no style."""
        self.style = styles.paragraph
        self.note_reference = styles.note_reference
        self.note_text = styles.note_text
        self.body: list[str] = []
        self.notes: list[tuple[str, list[str], list[str]]] = []
        """Each footnote: its id, its elements as text, the text a reader sees in it."""
        self.bookmarks = 0
        self.claim_bookmarks: dict[str, str] = {}
        """Bookmark name -> claim id, for the manifest."""
        self.claim_runs: dict[str, list[Place]] = {}
        """Claim id -> the runs of its first placement, for review comments."""
        self.commented = commented
        self.runs: list[Place] = []
        """Every run written straight into a paragraph, in order (only for comments)."""
        self.around: dict[tuple[int, int], tuple[Place, list[str], list[str]]] = {}
        """Comment marks before and after a run, by the run's place (its list's id)."""
        self.reader = extract.reader(self.claim_bookmarks.__contains__)

    def _bookmark(self, claim_id: str) -> str:
        """The claim's bookmark name; a claim placed twice gets a distinct name each time
        (Word requires unique names), mapped back to its id by the manifest."""
        name, uses = bookmark_name(claim_id), 1
        while name in self.claim_bookmarks:
            uses += 1
            name = bookmark_name(f"{claim_id}~{uses}")
        self.claim_bookmarks[name] = claim_id
        return name

    def write_all(self, doc: Document) -> None:
        """The brief's title block and blocks."""
        self.title_block(doc.meta)
        for block in doc.blocks:
            self.block(block)

    def title_block(self, meta: Meta) -> None:
        self._paragraph(self.style["title"], (Text(meta.title),))
        if meta.subtitle:
            self._paragraph(self.style["subtitle"], (Text(meta.subtitle),))
        if byline(meta):
            self._paragraph(None, (Text(byline(meta)),))

    def block(self, block: Block) -> None:
        match block:
            case Heading(level, content):
                self._paragraph(self.style.get(f"heading {min(level, 3)}"), content)
            case Para(content):
                self._paragraph(None, content)
            case BulletList(items):
                for item in items:
                    self._paragraph(self.style["list bullet"], item)
            case _:
                assert_never(block)

    def _paragraph(self, style: str | None, content: tuple[Inline, ...]) -> None:
        """A body paragraph (an empty one without a style is `<w:p/>`, as lxml writes it)."""
        out = self.body
        start = len(out)
        out.append(wordml.paragraph_open(style))
        self.reader.paragraph_start()
        self.inlines(out, None, content)
        if len(out) == start + 1 and not style:
            out[start] = wordml.EMPTY_PARAGRAPH
        else:
            out.append(wordml.PARAGRAPH_CLOSE)
        self.reader.paragraph_end()

    def inlines(
        self,
        out: list[str],
        seen: list[str] | None,
        nodes: tuple[Inline, ...],
        italic: bool = False,
        bold: bool = False,
    ) -> None:
        """`nodes` into the paragraph whose elements `out` holds: the body's if `seen` is
        None (then verify's reader is told), else a note's (`seen` collects its text)."""
        for node in nodes:  # isinstance, not `match`: this runs for every inline of the brief
            if isinstance(node, Text):
                if seen is not None:
                    self._note_text(out, node.text, italic, bold)
                    seen.append(node.text)
                else:
                    self._run(out, wordml.run_text(node.text, italic=italic, bold=bold))
                    self.reader.text(node.text)
            elif isinstance(node, Emph):
                self.inlines(out, seen, node.content, not italic, bold)
            elif isinstance(node, Strong):
                self.inlines(out, seen, node.content, italic, True)
            elif isinstance(node, ClaimSpan):
                self._claim(out, seen, node, italic, bold)
            elif isinstance(node, Note):
                self._run(out, wordml.note_reference_text(node.number, self.note_reference))
                if seen is None:
                    self.reader.note(str(node.number))
                self._note(node.number, node.content)
            elif isinstance(node, Cite):
                raise ValueError("citations must be resolved before writing")
            else:
                assert_never(node)

    def _note(self, number: int, content: tuple[Inline, ...]) -> None:
        """Note `number` in the footnotes part, in the order the notes are met."""
        note = [wordml.footnote_open(number, self.note_reference, self.note_text)]
        seen = [" "]  # the space after the note's own mark
        self.notes.append((str(number), note, seen))
        self.inlines(note, seen, content)
        note.append(wordml.FOOTNOTE_CLOSE)

    def _claim(
        self, out: list[str], seen: list[str] | None, span: ClaimSpan, italic: bool, bold: bool
    ) -> None:
        """A claim's words between the start and end of its bookmark."""
        self.bookmarks += 1
        number, name = self.bookmarks, self._bookmark(span.claim_id)
        out.append(wordml.bookmark_start_text(number, name))
        if seen is None:
            self.reader.bookmark_start(name, str(number))
        before, first_run = len(out), len(self.runs)
        self.inlines(out, seen, span.content, italic, bold)
        if self.commented:
            runs = [p for p in self.runs[first_run:] if p[0] is out and p[1] >= before]
            self.claim_runs.setdefault(span.claim_id, runs)
        out.append(wordml.bookmark_end_text(number))
        if seen is None:
            self.reader.bookmark_end(str(number))

    def _run(self, out: list[str], run: str) -> None:
        if self.commented:
            self.runs.append((out, len(out)))
        out.append(run)

    def _note_text(self, out: list[str], text: str, italic: bool, bold: bool) -> None:
        """A note's text, its URLs as hyperlinks a reader can follow."""
        start = 0
        for found in URL.finditer(text):
            end = _url_end(text, found.start(), found.end())
            if start < found.start():
                self._run(
                    out, wordml.run_text(text[start : found.start()], italic=italic, bold=bold)
                )
            if not self.hyperlink_style:
                self.hyperlink_style = self.find_hyperlink_style()
            url = text[found.start() : end]
            out.append(
                wordml.hyperlink_text(
                    self.links.r_id(url), url, self.hyperlink_style, italic=italic, bold=bold
                )
            )
            start = end
        if start < len(text):
            self._run(out, wordml.run_text(text[start:], italic=italic, bold=bold))

    def mark_comment(self, first: Place, last: Place, comment_id: int) -> None:
        """Comment `comment_id`'s range from run `first` to run `last`, and its mark, where
        python-docx puts them: just before the first run, and just after the last."""
        self._around(first)[1].append(wordml.comment_start_text(comment_id))
        self._around(last)[2].insert(0, wordml.comment_end_text(comment_id))

    def _around(self, run: Place) -> tuple[Place, list[str], list[str]]:
        return self.around.setdefault((id(run[0]), run[1]), (run, [], []))

    def found(self) -> extract.Extracted:
        """What verify's reader finds in the body and the notes written."""
        notes = {
            note_id: extract.NoteRead(extract.normalise("".join(text) + "\n"), False)
            for note_id, _elements, text in self.notes
        }
        return self.reader.found(notes)

    def texts(self) -> tuple[str, str]:
        """The body's elements and the notes' as text, with the comment marks placed."""
        for (out, index), before, after in self.around.values():
            out[index] = "".join(before) + out[index] + "".join(after)
        return "".join(self.body), "".join("".join(note) for _, note, _ in self.notes)


def _url_end(text: str, start: int, end: int) -> int:
    """Where a URL found in running text ends: without the sentence's closing punctuation,
    and without a closing bracket the URL did not open ("(see https://x.org/a)")."""
    while end > start:
        last = text[end - 1]
        if last in ".,;:!?'" or (
            last in ")]"
            and text.count("(" if last == ")" else "[", start, end) < text.count(last, start, end)
        ):
            end -= 1
        else:
            break
    return end
