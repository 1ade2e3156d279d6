"""Document -> .docx: styles from a reference document, real footnotes, claims bookmarked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
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
from docx.text.run import Run
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
    writer = _Writer(word)
    writer.title_block(doc.meta)
    for block in doc.blocks:
        writer.block(block)
    if comments:
        _add_comments(word, writer.claim_runs, comments)
    if doc.meta.banner:
        ooxml.add_header(word, doc.meta.banner)
    when = build_time(doc.meta.date)
    _core_properties(word, doc.meta, when)
    _add_manifest(word, writer, doc.meta, when)
    ooxml.app_properties(word, APPLICATION, __version__)
    ooxml.drop_styles_with_effects(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return ooxml.reproducible_zip(buffer.getvalue(), when.timetuple()[:6])


REVIEW_AUTHOR = "draft check"
_RUN = qn("w:r")


def _add_comments(
    word: WordDocument, runs: Mapping[str, list[ooxml.Element]], comments: Mapping[str, str]
) -> None:
    """One Word comment on each claim's runs (its first placement), author "draft check".
    Comments carry no date, so review editions stay reproducible."""
    _comment_styles(word)
    for claim_id, elements in runs.items():
        text = comments.get(claim_id)
        if text and elements:
            anchor = [Run(elements[0], word), Run(elements[-1], word)]
            comment = word.add_comment(anchor, text=text, author=REVIEW_AUTHOR, initials="DC")
            # python-docx stamps the current time; without it the same audit gives the same file
            comment._comment_elm.attrib.pop(qn("w:date"), "")


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
    """Record each claim's text and footnote in the file, read back from the XML just written
    by the same reader `draft verify` uses (see drafting/verify/manifest.py)."""
    from drafting import __version__
    from drafting.verify import extract, manifest

    bookmarks = writer.claim_bookmarks
    found = extract.extract(writer.body, bookmarks.__contains__, writer.notes)
    edition = "internal" if meta.banner else "public"
    record = manifest.make(
        found, bookmarks, meta.report, when.date().isoformat(), f"draft {__version__}", edition
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


class _Writer:
    """Writes blocks into the body; notes go to the footnotes part as they are met."""

    def __init__(self, word: WordDocument) -> None:
        self.body = ooxml.reset_body(word)
        self.sect_pr = ooxml.final_section(self.body)
        self.notes = ooxml.ensure_footnote_support(word)
        self.notes_part = ooxml.notes_part(word)
        self.hyperlink_style = ""
        """Set when the first URL in a note needs it, so a brief without one adds no style."""
        self.word = word
        ids = ooxml.style_ids(word)
        self.style = {
            name: ids.get(name)
            for name in (
                "title",
                "subtitle",
                "heading 1",
                "heading 2",
                "heading 3",
                "list bullet",
                "footnote text",
                "footnote reference",
            )
        }
        self.bookmarks = 0
        self.claim_bookmarks: dict[str, str] = {}
        """Bookmark name -> claim id, for the manifest."""
        self.claim_runs: dict[str, list[ooxml.Element]] = {}
        """Claim id -> the runs of its first placement, for review comments."""

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
        self._text_paragraph(meta.title, self.style["title"])
        if meta.subtitle:
            self._text_paragraph(meta.subtitle, self.style["subtitle"])
        if byline(meta):
            self._text_paragraph(byline(meta), None)

    def _text_paragraph(self, text: str, style: str | None) -> None:
        ooxml.run(ooxml.body_paragraph(self.body, style, self.sect_pr), text)

    def block(self, block: Block) -> None:
        match block:
            case Heading(level, content):
                style = self.style.get(f"heading {min(level, 3)}")
                self.inlines(ooxml.body_paragraph(self.body, style, self.sect_pr), content)
            case Para(content):
                self.inlines(ooxml.body_paragraph(self.body, None, self.sect_pr), content)
            case BulletList(items):
                for item in items:
                    p = ooxml.body_paragraph(self.body, self.style["list bullet"], self.sect_pr)
                    self.inlines(p, item)
            case _:
                assert_never(block)

    def inlines(
        self,
        p: ooxml.Element,
        nodes: tuple[Inline, ...],
        italic: bool = False,
        bold: bool = False,
        *,
        in_note: bool = False,
    ) -> None:
        for node in nodes:
            match node:
                case Text(text) if in_note:
                    self._note_text(p, text, italic, bold)
                case Text(text):
                    ooxml.run(p, text, italic=italic, bold=bold)
                case Emph(content):
                    self.inlines(p, content, not italic, bold, in_note=in_note)
                case Strong(content):
                    self.inlines(p, content, italic, True, in_note=in_note)
                case ClaimSpan(claim_id, content):
                    self.bookmarks += 1
                    ooxml.bookmark_start(p, self.bookmarks, self._bookmark(claim_id))
                    before = len(p)
                    self.inlines(p, content, italic, bold, in_note=in_note)
                    self.claim_runs.setdefault(claim_id, [e for e in p[before:] if e.tag == _RUN])
                    ooxml.bookmark_end(p, self.bookmarks)
                case Note(number, content):
                    note_p = ooxml.footnote(
                        self.notes,
                        p,
                        number,
                        self.style["footnote reference"] or "FootnoteReference",
                        self.style["footnote text"] or "FootnoteText",
                    )
                    self.inlines(note_p, content, in_note=True)
                case Cite():
                    raise ValueError("citations must be resolved before writing")
                case _:
                    assert_never(node)

    def _note_text(self, p: ooxml.Element, text: str, italic: bool, bold: bool) -> None:
        """A note's text, its URLs as hyperlinks a reader can follow."""
        start = 0
        for found in URL.finditer(text):
            end = _url_end(text, found.start(), found.end())
            if start < found.start():
                ooxml.run(p, text[start : found.start()], italic=italic, bold=bold)
            if not self.hyperlink_style:
                self.hyperlink_style = ooxml.hyperlink_style(self.word)
            url = text[found.start() : end]
            ooxml.hyperlink(self.notes_part, p, url, self.hyperlink_style, italic=italic, bold=bold)
            start = end
        if start < len(text):
            ooxml.run(p, text[start:], italic=italic, bold=bold)


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
