"""Document -> .docx: styles from a reference document, real footnotes, claims bookmarked."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import assert_never

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from drafting import __version__
from drafting.gcpause import without_gc
from drafting.model import (
    Block,
    BulletList,
    Cite,
    ClaimSpan,
    Document,
    Emph,
    Heading,
    Inline,
    Location,
    Meta,
    Note,
    Para,
    Strong,
    Text,
)
from drafting.problems import fail
from drafting.verify import extract
from drafting.writers import ooxml
from drafting.writers.common import byline

EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest date a zip entry can carry
LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)  # and the latest

URL = re.compile(r"https?://[^\s<>\"“”‘’]+")
"""A URL in a note's text; closing punctuation is trimmed by `_url_end`."""


APPLICATION = "draft"
CORE_LIMIT = 255
"""Word's limit on a core property's length; the body keeps the whole text."""


@without_gc
def write(doc: Document, reference: Path, comments: Mapping[str, str] | None = None) -> bytes:
    """The brief as a .docx. `comments` (claim id -> text) is only for the review edition
    (`draft build --review`): the brief itself never carries comments."""
    word = docx.Document(str(reference))
    ooxml.sanitise(word)  # drops the reference document's own headers and footers...
    ooxml.add_page_number_footer(word, ooxml.style_ids(word).get("footer"))  # ...so ours go after
    writer = _Writer(word, bool(comments))
    writer.title_block(doc.meta)
    for block in doc.blocks:
        writer.block(block)
    if comments:
        _add_comments(word, writer, comments)
    if doc.meta.banner:
        ooxml.add_header(word, doc.meta.banner)
    when = build_time(doc.meta.date)
    _core_properties(word, doc.meta, when)
    _add_manifest(word, writer, doc.meta, when)
    ooxml.app_properties(word, APPLICATION, __version__)
    ooxml.drop_styles_with_effects(word)
    members = ooxml.part_blobs(word, writer.finish())
    return ooxml.zip_members(members, when.timetuple()[:6])


REVIEW_AUTHOR = "draft check"


def _add_comments(word: WordDocument, writer: _Writer, comments: Mapping[str, str]) -> None:
    """One Word comment on each claim's runs (its first placement), author "draft check".
    Comments carry no date, so review editions stay reproducible."""
    _comment_styles(word)
    for claim_id, runs in writer.claim_runs.items():
        text = comments.get(claim_id)
        if text and runs:
            comment = word.comments.add_comment(text=text, author=REVIEW_AUTHOR, initials="DC")
            # python-docx stamps the current time; without it the same audit gives the same file
            comment._comment_elm.attrib.pop(qn("w:date"), "")
            writer.mark_comment(runs[0], runs[-1], comment.comment_id)


def _comment_styles(word: WordDocument) -> None:
    """Comments use Word's built-in styles CommentReference and CommentText, which a reference
    document seldom defines; define the missing ones as Word does (8 and 10 point)."""
    have = set(ooxml.style_ids(word).values())
    for name, style_id, kind, size in (
        ("annotation reference", "CommentReference", WD_STYLE_TYPE.CHARACTER, 8),
        ("annotation text", "CommentText", WD_STYLE_TYPE.PARAGRAPH, 10),
    ):
        if style_id not in have:
            style = word.styles.add_style(name, kind)
            style.style_id = style_id
            style.font.size = Pt(size)


def check_reference(path: Path | None) -> None:
    """Refuse a reference document that is missing or not a usable Word document, naming the
    part that is wrong, before building."""
    if path is None or not path.is_file():
        raise fail(
            "no-reference-doc",
            f"reference document '{path}' not found; give an existing .docx with --reference-doc",
            Location(path.resolve()) if path else None,
        )
    problem = reference_problem(path)
    if problem:
        raise fail(
            "bad-reference-doc",
            f"'{path.name}' cannot be used as the reference document: {problem}; give a .docx "
            "saved by Word or LibreOffice with --reference-doc",
            Location(path.resolve()),
        )


def reference_problem(path: Path) -> str:
    """What makes `path` unusable as a reference document, in plain words; "" if nothing."""
    try:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name), ooxml.SAFE_PARSER)
            if "word/document.xml" not in package.namelist():
                return "it has no word/document.xml, so it is not a Word document"
    except zipfile.BadZipFile:
        return "it is not a Word document (.docx) at all (not a zip package)"
    except etree.XMLSyntaxError as exc:
        return f"its part {name} is not well-formed XML (line {exc.lineno}: {exc.msg})"
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, zipfile.BadZipFile, etree.LxmlError) as e:
        # python-docx raises any of these for a package that is not a Word document
        return f"it is not a Word document (.docx) ({e})"
    return ooxml.structure_problem(word)


def build_time(date: dt.date | None) -> dt.datetime:
    """The time recorded in the file: the report's date, else SOURCE_DATE_EPOCH, else 1980."""
    if date is not None:
        return min(max(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC), EPOCH), LATEST)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isascii() and epoch.isdigit():
        seconds = min(int(epoch[:12]), int(LATEST.timestamp()))  # a zip cannot say later
        return max(dt.datetime.fromtimestamp(seconds, dt.UTC), EPOCH)
    return EPOCH


def _core_properties(word: WordDocument, meta: Meta, when: dt.datetime) -> None:
    """Only what the brief says about itself; nothing the reference document recorded."""
    props = word.core_properties
    for child in list(props._element):  # last printed, language, identifier, description...
        props._element.remove(child)
    props.title = _core_text(meta.title)
    props.subject = _core_text(meta.subtitle)
    props.author = props.last_modified_by = _core_text(meta.organisation)
    props.created = props.modified = when.replace(tzinfo=None)
    props.revision = 1
    if meta.banner:  # the internal edition says so wherever Word shows properties
        props.keywords = props.category = _core_text(meta.banner)


def _core_text(text: str) -> str:
    return text if len(text) <= CORE_LIMIT else text[: CORE_LIMIT - 1] + "…"


def _add_manifest(word: WordDocument, writer: _Writer, meta: Meta, when: dt.datetime) -> None:
    """Record each claim's text and footnote in the file, as `draft verify`'s reader reads
    them: the writer fed that reader (drafting/verify/extract.py) everything it wrote to the
    body, in order, so it needs no second look at the XML (tests/oracles.py checks every
    built .docx against the reader run over the file)."""
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
    ooxml.add_custom_xml_part(word, manifest.to_xml(record), item_id, manifest.NS)


def bookmark_name(claim_id: str) -> str:
    """Word accepts bookmark names of letters, digits and '_', at most 40 characters."""
    name = "c_" + re.sub(r"[^A-Za-z0-9_]", "_", claim_id)
    if len(name) > 40 or name != "c_" + claim_id:
        digest = hashlib.sha256(claim_id.encode()).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


Place = tuple[list[str], int]
"""An element written as text: the list holding it and its index there."""


class _Writer:
    """Writes blocks as XML text (ooxml's `*_text` functions) for the body and the footnotes
    part, telling verify's reader what the body holds as it goes."""

    def __init__(self, word: WordDocument, commented: bool = False) -> None:
        body = ooxml.reset_body(word)
        notes_root = ooxml.ensure_footnote_support(word)
        self.slots = {  # the namespaces each part's text uses
            id(word.part): (ooxml.Slot(body, ooxml.final_section(body)), (ooxml.W_NS,)),
            id(ooxml.notes_part(word)): (ooxml.Slot(notes_root), (ooxml.W_NS, ooxml.R_NS)),
        }
        self.links = ooxml.Links(ooxml.notes_part(word))
        self.hyperlink_style = ""
        """Set when the first URL in a note needs it, so a brief without one adds no style."""
        self.word = word
        ids = ooxml.style_ids(word)
        self.style = {
            name: ids.get(name)
            for name in ("title", "subtitle", "heading 1", "heading 2", "heading 3", "list bullet")
        }
        self.note_reference = ids.get("footnote reference") or "FootnoteReference"
        self.note_text = ids.get("footnote text") or "FootnoteText"
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
        out.append(ooxml.paragraph_open(style))
        self.reader.paragraph_start()
        self.inlines(out, None, content)
        if len(out) == start + 1 and not style:
            out[start] = ooxml.EMPTY_PARAGRAPH
        else:
            out.append(ooxml.PARAGRAPH_CLOSE)
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
                    self._run(out, ooxml.run_text(node.text, italic=italic, bold=bold))
                    self.reader.text(node.text)
            elif isinstance(node, Emph):
                self.inlines(out, seen, node.content, not italic, bold)
            elif isinstance(node, Strong):
                self.inlines(out, seen, node.content, italic, True)
            elif isinstance(node, ClaimSpan):
                self._claim(out, seen, node, italic, bold)
            elif isinstance(node, Note):
                self._run(out, ooxml.note_reference_text(node.number, self.note_reference))
                if seen is None:
                    self.reader.note(str(node.number))
                self._note(node.number, node.content)
            elif isinstance(node, Cite):
                raise ValueError("citations must be resolved before writing")
            else:
                assert_never(node)

    def _note(self, number: int, content: tuple[Inline, ...]) -> None:
        """Note `number` in the footnotes part, in the order the notes are met."""
        note = [ooxml.footnote_open(number, self.note_reference, self.note_text)]
        seen = [" "]  # the space after the note's own mark
        self.notes.append((str(number), note, seen))
        self.inlines(note, seen, content)
        note.append(ooxml.FOOTNOTE_CLOSE)

    def _claim(
        self, out: list[str], seen: list[str] | None, span: ClaimSpan, italic: bool, bold: bool
    ) -> None:
        """A claim's words between the start and end of its bookmark."""
        self.bookmarks += 1
        number, name = self.bookmarks, self._bookmark(span.claim_id)
        out.append(ooxml.bookmark_start_text(number, name))
        if seen is None:
            self.reader.bookmark_start(name, str(number))
        before, first_run = len(out), len(self.runs)
        self.inlines(out, seen, span.content, italic, bold)
        if self.commented:
            runs = [p for p in self.runs[first_run:] if p[0] is out and p[1] >= before]
            self.claim_runs.setdefault(span.claim_id, runs)
        out.append(ooxml.bookmark_end_text(number))
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
                    out, ooxml.run_text(text[start : found.start()], italic=italic, bold=bold)
                )
            if not self.hyperlink_style:
                self.hyperlink_style = ooxml.hyperlink_style(self.word)
            url = text[found.start() : end]
            out.append(
                ooxml.hyperlink_text(
                    self.links.r_id(url), url, self.hyperlink_style, italic=italic, bold=bold
                )
            )
            start = end
        if start < len(text):
            self._run(out, ooxml.run_text(text[start:], italic=italic, bold=bold))

    def mark_comment(self, first: Place, last: Place, comment_id: int) -> None:
        """Comment `comment_id`'s range from run `first` to run `last`, and its mark, where
        python-docx puts them: just before the first run, and just after the last."""
        self._around(first)[1].append(ooxml.comment_start_text(comment_id))
        self._around(last)[2].insert(0, ooxml.comment_end_text(comment_id))

    def _around(self, run: Place) -> tuple[Place, list[str], list[str]]:
        return self.around.setdefault((id(run[0]), run[1]), (run, [], []))

    def found(self) -> extract.Extracted:
        """What verify's reader finds in the body and the notes written."""
        notes = {
            note_id: extract.NoteRead(extract.normalise("".join(text) + "\n"), False)
            for note_id, _elements, text in self.notes
        }
        return self.reader.found(notes)

    def finish(self) -> dict[int, bytes]:
        """Id of the document and footnotes parts -> their bytes with what was written."""
        for (out, index), before, after in self.around.values():
            out[index] = "".join(before) + out[index] + "".join(after)
        texts = ["".join(self.body), "".join("".join(note) for _, note, _ in self.notes)]
        blobs: dict[int, bytes] = {}
        for (part_id, (slot, namespaces)), text in zip(self.slots.items(), texts, strict=True):
            if slot.plain_prefixes(*namespaces):
                root = slot.parent.getroottree().getroot()
                blobs[part_id] = slot.splice(ooxml.serialise(root), text)
            else:
                slot.graft(text)
        return blobs


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
