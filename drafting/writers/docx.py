"""Document -> .docx: styles from a reference document, real footnotes, claims bookmarked."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from pathlib import Path
from typing import assert_never

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

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


@without_gc
def write(doc: Document, reference: Path) -> bytes:
    word = docx.Document(str(reference))
    writer = _Writer(word)
    writer.title_block(doc.meta)
    for block in doc.blocks:
        writer.block(block)
    when = build_time(doc.meta.date)
    _core_properties(word, doc.meta, when)
    ooxml.drop_thumbnail(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return ooxml.reproducible_zip(buffer.getvalue(), when.timetuple()[:6])


def check_reference(path: Path | None) -> None:
    """Refuse a reference document that is missing or not a Word document, before building."""
    if path is None or not path.is_file():
        raise fail(
            "no-reference-doc",
            f"reference document '{path}' not found; give an existing .docx with --reference-doc",
            Location(path.resolve()) if path else None,
        )
    try:
        docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, zipfile.BadZipFile, etree.LxmlError):
        # python-docx raises any of these for a file that is not a .docx package
        raise fail(
            "bad-reference-doc",
            f"'{path.name}' is not a Word document (.docx); give a .docx saved by Word or "
            "LibreOffice with --reference-doc",
            Location(path.resolve()),
        ) from None


def build_time(date: dt.date | None) -> dt.datetime:
    """The time recorded in the file: the report's date, else SOURCE_DATE_EPOCH, else 1980."""
    if date is not None:
        return max(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC), EPOCH)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return max(dt.datetime.fromtimestamp(int(epoch), dt.UTC), EPOCH)
    return EPOCH


def _core_properties(word: WordDocument, meta: Meta, when: dt.datetime) -> None:
    props = word.core_properties
    props.title = meta.title
    props.subject = meta.subtitle
    props.author = meta.organisation
    props.last_modified_by = meta.organisation
    props.created = props.modified = when.replace(tzinfo=None)
    props.revision = 1
    props.comments = props.keywords = props.category = ""


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
        self, p: ooxml.Element, nodes: tuple[Inline, ...], italic: bool = False, bold: bool = False
    ) -> None:
        for node in nodes:
            match node:
                case Text(text):
                    ooxml.run(p, text, italic=italic, bold=bold)
                case Emph(content):
                    self.inlines(p, content, not italic, bold)
                case Strong(content):
                    self.inlines(p, content, italic, True)
                case ClaimSpan(claim_id, content):
                    self.bookmarks += 1
                    ooxml.bookmark_start(p, self.bookmarks, bookmark_name(claim_id))
                    self.inlines(p, content, italic, bold)
                    ooxml.bookmark_end(p, self.bookmarks)
                case Note(number, content):
                    note_p = ooxml.footnote(
                        self.notes,
                        p,
                        number,
                        self.style["footnote reference"] or "FootnoteReference",
                        self.style["footnote text"] or "FootnoteText",
                    )
                    self.inlines(note_p, content)
                case Cite():
                    raise ValueError("citations must be resolved before writing")
                case _:
                    assert_never(node)
