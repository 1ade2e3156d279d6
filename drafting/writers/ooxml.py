"""All raw WordprocessingML in one place: footnotes, bookmarks, runs, and a reproducible zip.

python-docx has no footnote API (python-docx#1), so we register a part class for
`footnotes.xml` and write the elements pandoc writes: separator notes -1 and 0, one
`w:footnote` per reference, `w:footnoteRef` in the note, `w:footnoteReference` in the body,
styles `FootnoteText` / `FootnoteReference`. Paragraphs and runs are built with lxml directly,
by style id, because python-docx's style lookup by name costs a scan of every style per call.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.story import StoryPart
from lxml import etree


class FootnotesPart(StoryPart):
    """`word/footnotes.xml`, parsed (so a reference document's own notes part is editable)."""


PartFactory.part_type_for[CT.WML_FOOTNOTES] = FootnotesPart

Element = Any  # lxml element; python-docx's oxml classes are untyped

_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)
# Word's built-in names and style ids; added only when the reference document lacks them.
_FOOTNOTE_STYLES = {
    "FootnoteText": f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="FootnoteText">'
    '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:link w:val="FootnoteTextChar"/>'
    '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>',
    "FootnoteTextChar": f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" '
    'w:styleId="FootnoteTextChar"><w:name w:val="Footnote Text Char"/><w:basedOn '
    'w:val="DefaultParagraphFont"/><w:link w:val="FootnoteText"/><w:uiPriority w:val="99"/>'
    '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>',
    "FootnoteReference": f'<w:style {nsdecls("w")} w:type="character" '
    'w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:basedOn '
    'w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr>'
    '<w:vertAlign w:val="superscript"/></w:rPr></w:style>',
}
# Children of w:settings that must come after w:footnotePr (ECMA-376 CT_Settings order).
_AFTER_FOOTNOTE_PR = (
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)
_T, _R, _P, _RPR = qn("w:t"), qn("w:r"), qn("w:p"), qn("w:rPr")
# Clark names of the elements written per run and per note, worked out once, not ~20 times a note.
_qn = lru_cache(maxsize=None)(qn)
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def reset_body(document: WordDocument) -> Element:
    """Empty the reference document's body, keeping its page setup; return the body."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return body


def style_ids(document: WordDocument) -> dict[str, str]:
    """Style name (as Word shows it, lower case) -> style id, read once."""
    ids = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            ids[name.get(qn("w:val")).lower()] = style.get(qn("w:styleId"))
    return ids


def ensure_footnote_support(document: WordDocument) -> Element:
    """Add what footnotes need to the package if missing; return the `w:footnotes` root."""
    part = _footnotes_part(document)
    styles = document.styles.element
    have = {s.get(qn("w:styleId")) for s in styles.iterchildren(qn("w:style"))}
    for style_id, xml in _FOOTNOTE_STYLES.items():
        if style_id not in have:
            styles.append(parse_xml(xml))
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        settings.insert_element_before(
            parse_xml(
                f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/>'
                '<w:footnote w:id="0"/></w:footnotePr>'
            ),
            *_AFTER_FOOTNOTE_PR,
        )
    return part.element


def _footnotes_part(document: WordDocument) -> FootnotesPart:
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            part = rel.target_part
            for note in part.element.findall(qn("w:footnote")):  # drop the reference's own notes
                if note.get(qn("w:type")) not in ("separator", "continuationSeparator"):
                    part.element.remove(note)
            return part  # type: ignore[no-any-return]
    part = FootnotesPart(
        PackURI("/word/footnotes.xml"),
        CT.WML_FOOTNOTES,
        parse_xml(_FOOTNOTES_XML),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    return part


def paragraph(parent: Element, style_id: str | None) -> Element:
    p = etree.SubElement(parent, _P)
    if style_id:
        p_pr = etree.SubElement(p, _qn("w:pPr"))
        etree.SubElement(p_pr, _qn("w:pStyle")).set(_qn("w:val"), style_id)
    return p


def final_section(body: Element) -> Element | None:
    """The body's `w:sectPr` (page setup), which must stay its last child; None if absent."""
    return body.find(_qn("w:sectPr"))


def body_paragraph(body: Element, style_id: str | None, sect_pr: Element | None) -> Element:
    """A paragraph appended to the body, before `sect_pr` (from `final_section`, looked up
    once: finding it again for every paragraph made writing quadratic in the body's length)."""
    p = paragraph(body, style_id)
    if sect_pr is not None:
        sect_pr.addprevious(p)
    return p


def run(p: Element, text: str, *, italic: bool = False, bold: bool = False) -> Element:
    r = etree.SubElement(p, _R)
    if italic or bold:
        r_pr = etree.SubElement(r, _RPR)
        if bold:
            etree.SubElement(r_pr, _qn("w:b"))
        if italic:
            etree.SubElement(r_pr, _qn("w:i"))
    t = etree.SubElement(r, _T)
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(_SPACE, "preserve")
    return r


def _styled_run(p: Element, style_id: str) -> Element:
    r = etree.SubElement(p, _R)
    r_pr = etree.SubElement(r, _RPR)
    etree.SubElement(r_pr, _qn("w:rStyle")).set(_qn("w:val"), style_id)
    return r


def footnote(
    notes_root: Element, body_p: Element, number: int, reference_style: str, text_style: str
) -> Element:
    """Add note `number` (its w:id) and its mark in `body_p`; return the note's paragraph."""
    note = etree.SubElement(notes_root, _qn("w:footnote"))
    note.set(_qn("w:id"), str(number))
    p = paragraph(note, text_style)
    etree.SubElement(_styled_run(p, reference_style), _qn("w:footnoteRef"))
    run(p, " ")
    etree.SubElement(_styled_run(body_p, reference_style), _qn("w:footnoteReference")).set(
        _qn("w:id"), str(number)
    )
    return p


def bookmark_start(p: Element, bookmark_id: int, name: str) -> None:
    start = etree.SubElement(p, _qn("w:bookmarkStart"))
    start.set(_qn("w:id"), str(bookmark_id))
    start.set(_qn("w:name"), name)


def bookmark_end(p: Element, bookmark_id: int) -> None:
    etree.SubElement(p, _qn("w:bookmarkEnd")).set(_qn("w:id"), str(bookmark_id))


def drop_thumbnail(document: WordDocument) -> None:
    """A reference document's thumbnail shows *its* first page, not ours: remove it."""
    rels = document.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(r_id)


def reproducible_zip(raw: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Rewrite the package with fixed entry dates and attributes, in python-docx's order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def parts_text(raw: bytes, names: Iterable[str]) -> dict[str, str]:
    """Selected XML parts of a package, pretty-printed (for golden tests and leak scans)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        return {
            name: etree.tostring(
                etree.fromstring(package.read(name), _SAFE_PARSER),
                pretty_print=True,
                encoding="unicode",
            )
            for name in names
        }


_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True
)
