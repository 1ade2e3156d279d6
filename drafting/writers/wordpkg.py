"""The .docx built through python-docx from the reference document: what every build did
before `writers.skeleton`, and what a build still does when the memo has no skeleton for the
reference document (a cold build, a new reference document, a review edition).

The reference document is opened and cleaned (`ooxml.sanitise`), the body and notes are
written as text (`body.Writer`) and spliced into their parts, and the package is saved with
fixed dates. `Built` also tells `skeleton.learn` where the brief's text sits in each part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt

from drafting import __version__
from drafting.model import Document, Meta
from drafting.verify import manifest
from drafting.writers import body, ooxml, wordml

APPLICATION = "draft"
REVIEW_AUTHOR = "draft check"


@dataclass(frozen=True)
class Built:
    """A package and what it was made of."""

    members: list[tuple[str, bytes]]
    """The zip's members in order, name and bytes."""
    styles: body.Styles
    hyperlink_style: str
    """The id a hyperlink in a note names (the reference document's, else "Hyperlink")."""
    filled: body.Filled
    halves: dict[str, tuple[bytes, bytes]]
    """Part name -> its bytes before and after the text written into it (the document part
    and the notes part), where the text was spliced rather than grafted."""
    core: str
    manifest: tuple[str, str]
    """The names of the manifest's custom XML part and of its properties part."""
    links: str
    """The name of the notes part's relationships."""
    document: str
    notes: str
    """The names of the document part and of the notes part."""


def build(
    doc: Document,
    reference: Path | IO[bytes],
    comments: Mapping[str, str] | None,
    when: dt.datetime,
) -> Built:
    """The brief as a .docx made from the reference document (see the module's text)."""
    word = docx.Document(str(reference) if isinstance(reference, Path) else reference)
    ooxml.sanitise(word)  # drops the reference document's own headers and footers...
    ooxml.add_page_number_footer(word, ooxml.style_ids(word).get("footer"))  # ...so ours go after
    content = ooxml.reset_body(word)
    notes_root = ooxml.ensure_footnote_support(word)
    notes_part = ooxml.notes_part(word)
    slots = {  # the namespaces each part's text uses
        word.part: (ooxml.Slot(content, ooxml.final_section(content)), (wordml.W_NS,)),
        notes_part: (ooxml.Slot(notes_root), (wordml.W_NS, wordml.R_NS)),
    }
    links = ooxml.Links(notes_part)
    ids = ooxml.style_ids(word)
    styles = body.Styles(
        {name: ids.get(name) for name in body.PARAGRAPH_STYLES},
        ids.get("footnote reference") or "FootnoteReference",
        ids.get("footnote text") or "FootnoteText",
    )
    writer = body.Writer(styles, links, lambda: ooxml.hyperlink_style(word), bool(comments))
    writer.write_all(doc)
    if comments:
        _add_comments(word, writer, comments)
    if doc.meta.banner:
        ooxml.add_header(word, doc.meta.banner)
    _core_properties(word, doc.meta, when)
    record, item_id = body.manifest(writer, doc.meta, when)
    names = ooxml.add_custom_xml_part(word, record, item_id, manifest.NS)
    ooxml.app_properties(word, APPLICATION, __version__)
    ooxml.drop_styles_with_effects(word)
    texts = writer.texts()
    spliced: dict[int, bytes] = {}
    halves: dict[str, tuple[bytes, bytes]] = {}
    for (part, (slot, namespaces)), text in zip(slots.items(), texts, strict=True):
        if slot.plain_prefixes(*namespaces):
            root = slot.parent.getroottree().getroot()
            head, tail = slot.halves(ooxml.serialise(root))
            spliced[id(part)] = head + text.encode("utf-8") + tail
            halves[part.partname.membername] = (head, tail)
        else:
            slot.graft(text)
    urls = tuple(url for url in links.ids)
    return Built(
        members=ooxml.part_blobs(word, spliced),
        styles=styles,
        hyperlink_style=ooxml.find_hyperlink_style(word) or "Hyperlink",
        filled=body.Filled(
            *texts,
            urls,
            body.core_children(doc.meta, when),
            record,
            wordml.custom_xml_props(item_id, manifest.NS),
        ),
        halves=halves,
        core=word.part.package._core_properties_part.partname.membername,
        manifest=names,
        links=notes_part.partname.rels_uri.membername,
        document=word.part.partname.membername,
        notes=notes_part.partname.membername,
    )


def _add_comments(word: WordDocument, writer: body.Writer, comments: Mapping[str, str]) -> None:
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


def _core_properties(word: WordDocument, meta: Meta, when: dt.datetime) -> None:
    """Only what the brief says about itself; nothing the reference document recorded."""
    props = word.core_properties
    for child in list(props._element):  # last printed, language, identifier, description...
        props._element.remove(child)
    props.title = body.core_text(meta.title)
    props.subject = body.core_text(meta.subtitle)
    props.author = props.last_modified_by = body.core_text(meta.organisation)
    props.created = props.modified = when.replace(tzinfo=None)
    props.revision = 1
    if meta.banner:  # the internal edition says so wherever Word shows properties
        props.keywords = props.category = body.core_text(meta.banner)
