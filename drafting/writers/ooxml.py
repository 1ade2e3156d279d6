"""All raw WordprocessingML in one place: footnotes, bookmarks, runs, and a reproducible zip.

python-docx has no footnote API (python-docx#1), so we register a part class for
`footnotes.xml` and write the elements pandoc writes: separator notes -1 and 0, one
`w:footnote` per reference, `w:footnoteRef` in the note, `w:footnoteReference` in the body,
styles `FootnoteText` / `FootnoteReference`. The reference document's parts (styles,
settings, headers, footers, properties) are edited through python-docx and lxml; the body and
the notes, which grow with the brief, are written as XML text by style id (python-docx's
style lookup by name scans every style per call) and spliced into their parts when saved.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.story import StoryPart
from lxml import etree

from drafting.writers.wordml import R_NS, W_NS, custom_xml_props, zip_members


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


# What a reference document may contribute: styles, numbering, theme, fonts, settings and
# (in the body's sectPr) page set-up. Every other part it relates to (comments, headers,
# footers, custom XML, glossary, people, images, an attachedTemplate URL) is left behind.
_KEPT_PARTS = frozenset(
    {
        RT.STYLES,
        RT.NUMBERING,
        RT.THEME,
        RT.FONT_TABLE,
        RT.SETTINGS,
        RT.WEB_SETTINGS,
        RT.FOOTNOTES,
        RT.ENDNOTES,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
)
_KEPT_PACKAGE_PARTS = frozenset({RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES})
# Parts whose own relationships serve only content we drop (notes' links, a template URL).
_NO_RELATIONSHIPS = frozenset({RT.SETTINGS, RT.FOOTNOTES, RT.ENDNOTES, RT.WEB_SETTINGS})
# Settings that shape layout and footnotes; the rest (document variables, mail merge, revision
# ids, tracked changes, protection, attached template) is the reference document's own.
_KEPT_SETTINGS = frozenset(
    qn(name) if name.startswith("w:") else name
    for name in (
        "w:defaultTabStop",
        "w:autoHyphenation",
        "w:consecutiveHyphenLimit",
        "w:hyphenationZone",
        "w:doNotHyphenateCaps",
        "w:mirrorMargins",
        "w:gutterAtTop",
        "w:characterSpacingControl",
        "w:noPunctuationKerning",
        "w:embedTrueTypeFonts",
        "w:embedSystemFonts",
        "w:saveSubsetFonts",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:themeFontLang",
        "w:clrSchemeMapping",
        "w:decimalSymbol",
        "w:listSeparator",
        "w:defaultTableStyle",
        "{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr",
    )
)
_SECTION_CONTENT = frozenset(
    qn(name) for name in ("w:headerReference", "w:footerReference", "w:printerSettings")
)
_NOTE_TYPES = ("separator", "continuationSeparator", "continuationNotice")


_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"


def structure_problem(document: WordDocument) -> str:
    """A part whose root is not what Word writes there (python-docx would fail on it later)."""
    expected = [
        ("word/document.xml", document.element, qn("w:document")),
        ("word/styles.xml", document.styles.element, qn("w:styles")),
        ("word/settings.xml", document.settings.element, qn("w:settings")),
        ("docProps/core.xml", document.core_properties._element, f"{_CP}coreProperties"),
    ]
    for rel in document.part.rels.values():
        if rel.reltype in (RT.FOOTNOTES, RT.NUMBERING) and not rel.is_external:
            tag = qn("w:footnotes" if rel.reltype == RT.FOOTNOTES else "w:numbering")
            root = getattr(rel.target_part, "element", None)
            expected.append((str(rel.target_part.partname).lstrip("/"), root, tag))
    for name, root, tag in expected:
        if root is None or root.tag != tag:
            found = etree.QName(root).localname if root is not None else "nothing"
            return (
                f"its part {name} holds <{found}> where Word writes <{etree.QName(tag).localname}>"
            )
    if document.element.find(qn("w:body")) is None:
        return "its word/document.xml has no body (w:body)"
    return ""


def sanitise(document: WordDocument) -> None:
    """Keep only what a reference document may contribute (see `_KEPT_PARTS`)."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.is_external or rel.reltype not in _KEPT_PACKAGE_PARTS:
            package.rels.pop(r_id)
    for r_id, rel in list(document.part.rels.items()):
        if rel.is_external or rel.reltype not in _KEPT_PARTS:
            document.part.rels.pop(r_id)
            continue
        part = rel.target_part
        for sub_id, sub in list(part.rels.items()):
            if sub.is_external or rel.reltype in _NO_RELATIONSHIPS:
                part.rels.pop(sub_id)
        if rel.reltype in (RT.FOOTNOTES, RT.ENDNOTES) and hasattr(part, "element"):
            _drop_notes(part.element)
        elif hasattr(part, "element"):  # styles, numbering, settings (parsed parts)
            _drop_revision_ids(part.element)
    root = document.element
    for child in list(root):
        if child.tag != qn("w:body"):  # w:background may point at an image we dropped
            root.remove(child)
    for sect_pr in root.iter(qn("w:sectPr")):
        for child in list(sect_pr):
            if child.tag in _SECTION_CONTENT or child.tag == qn("w:titlePg"):
                sect_pr.remove(child)
    settings = document.settings.element
    for child in list(settings):
        if child.tag not in _KEPT_SETTINGS:
            settings.remove(child)
    _drop_revision_ids(root)


def _drop_notes(root: Element) -> None:
    """The reference document's own notes go; the separators Word needs stay."""
    for note in list(root):
        if note.get(qn("w:type")) not in _NOTE_TYPES:
            root.remove(note)
    _drop_revision_ids(root)


def _drop_revision_ids(root: Element) -> None:
    """`w:rsid*` attributes and elements record the editing sessions of whoever saved it."""
    elements: list[Element] = _RSID_ELEMENTS(root)  # by XPath: a styles part has ~10,000
    for element in elements:
        element.getparent().remove(element)
    attributes: list[Any] = _RSID_ATTRIBUTES(root)  # strings that know their element
    for attribute in attributes:
        parent = attribute.getparent()
        if parent is not None:
            del parent.attrib[attribute.attrname]


_RSID_ELEMENTS: Any = etree.XPath("descendant::*[starts-with(local-name(), 'rsid')]")
_RSID_ATTRIBUTES: Any = etree.XPath("descendant-or-self::*/@*[starts-with(local-name(), 'rsid')]")


def add_header(document: WordDocument, text: str) -> None:
    """A default header on every page of the (one) section, holding `text` in bold."""
    header = document.sections[0].header
    header.is_linked_to_previous = False  # creates the header part and its w:headerReference
    paragraph = header.paragraphs[0]
    run(paragraph._p, text, bold=True)


def add_page_number_footer(document: WordDocument, style_id: str | None) -> None:
    """A default footer on every page holding the page number, centred: a PAGE field, which
    Word and LibreOffice fill in as they lay out pages. `style_id` is the reference
    document's Footer style, if it has one, so the number takes its font."""
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False  # creates the footer part and its w:footerReference
    p = footer.paragraphs[0]._p
    for child in list(p):  # python-docx's blank footer names a Footer style: ours decides
        p.remove(child)
    p_pr = etree.SubElement(p, qn("w:pPr"))
    if style_id:
        etree.SubElement(p_pr, qn("w:pStyle")).set(qn("w:val"), style_id)
    etree.SubElement(p_pr, qn("w:jc")).set(qn("w:val"), "center")
    _field(p, "PAGE", "1")


def _field(p: Element, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, last result, end), as Word writes one."""
    etree.SubElement(etree.SubElement(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), "begin")
    instr = etree.SubElement(etree.SubElement(p, _R), qn("w:instrText"))
    instr.text = f" {instruction} "
    instr.set(_SPACE, "preserve")
    etree.SubElement(etree.SubElement(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), "separate")
    run(p, shown)
    etree.SubElement(etree.SubElement(p, _R), qn("w:fldChar")).set(qn("w:fldCharType"), "end")


_HYPERLINK_STYLE = (
    f'<w:style {nsdecls("w")} w:type="character" w:styleId="Hyperlink">'
    '<w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>'
    '<w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1" w:themeColor="hyperlink"/>'
    '<w:u w:val="single"/></w:rPr></w:style>'
)


def hyperlink_style(document: WordDocument) -> str:
    """The id of the Hyperlink character style: the reference document's, or Word's own
    definition added to it."""
    found = find_hyperlink_style(document)
    if found is not None:
        return found
    document.styles.element.append(parse_xml(_HYPERLINK_STYLE))
    return "Hyperlink"


def find_hyperlink_style(document: WordDocument) -> str | None:
    """The id of the reference document's Hyperlink character style, if it has one."""
    for style in document.styles.element.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        if (
            style.get(qn("w:type")) == "character"
            and name is not None
            and (name.get(qn("w:val")) or "").lower() == "hyperlink"
        ):
            return str(style.get(qn("w:styleId")))
    return None


_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>{application}</Application><AppVersion>{version}</AppVersion></Properties>"
)


def app_properties(document: WordDocument, application: str, version: str) -> None:
    """docProps/app.xml names this program; no page or word counts (they would be wrong)."""
    major, minor, patch = ([int(p) for p in re.findall(r"\d+", version)] + [0, 0, 0])[:3]
    blob = _APP_XML.format(
        application=application, version=f"{major:02d}.{minor:02d}{patch:02d}"
    ).encode("utf-8")
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            package.rels.pop(r_id)
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, blob, package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)


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
        if name is not None and name.get(qn("w:val")) and style.get(qn("w:styleId")):
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


def notes_part(document: WordDocument) -> Part:
    """The footnotes part (after `ensure_footnote_support`): hyperlinks in notes are its
    relationships, not the main document's."""
    part: Part = next(
        rel.target_part
        for rel in document.part.rels.values()
        if rel.reltype == RT.FOOTNOTES and not rel.is_external
    )
    return part


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


def final_section(body: Element) -> Element | None:
    """The body's `w:sectPr` (page setup), which must stay its last child; None if absent."""
    return body.find(_qn("w:sectPr"))


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


CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def add_custom_xml_part(
    document: WordDocument, xml: bytes, item_id: str, schema: str
) -> tuple[str, str]:
    """A custom XML data part as Word stores one: `customXml/itemN.xml` related from the
    document part, with `itemPropsN.xml` naming its id and schema. N is the next free number,
    so a reference document's own parts (e.g. a bibliography store) are kept."""
    package = document.part.package
    item = Part(package.next_partname("/customXml/item%d.xml"), "application/xml", xml, package)
    number = item.partname.idx
    props = Part(
        PackURI(f"/customXml/itemProps{number}.xml"),
        CUSTOM_XML_PROPS,
        custom_xml_props(item_id, schema),
        package,
    )
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)
    return item.partname.membername, props.partname.membername


def drop_thumbnail(document: WordDocument) -> None:
    """A reference document's thumbnail shows *its* first page, not ours: remove it."""
    rels = document.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(r_id)


# Word 2010's copy of styles.xml (python-docx's own template has one): once the brief adds
# its styles the copy is stale, and Word may call the file unreadable. Word rebuilds it.
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_styles_with_effects(document: WordDocument) -> None:
    """Remove the reference document's stylesWithEffects part: it would contradict styles.xml."""
    rels = document.part.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            rels.pop(r_id)


def reproducible_zip(raw: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Rewrite a package with fixed entry dates and attributes, its members in their order."""
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        return zip_members(((i.filename, src.read(i.filename)) for i in src.infolist()), date_time)


def parts_text(raw: bytes, names: Iterable[str]) -> dict[str, str]:
    """Selected XML parts of a package, pretty-printed (for golden tests and leak scans)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        return {
            name: etree.tostring(
                etree.fromstring(package.read(name), SAFE_PARSER),
                pretty_print=True,
                encoding="unicode",
            )
            for name in names
        }


SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True
)


class Links:
    """The external hyperlink relationships of a part, one per URL, numbered as python-docx's
    `relate_to` numbers them (the lowest free rIdN); a dict instead of its scan of every
    relationship for every link."""

    def __init__(self, part: Part) -> None:
        self.rels = part.rels
        self.ids: dict[str, str] = {}
        for rel in self.rels.values():
            if rel.reltype == RT.HYPERLINK and rel.is_external:
                self.ids.setdefault(rel.target_ref, rel.rId)
        self.next = 1

    def r_id(self, url: str) -> str:
        known = self.ids.get(url)
        if known is not None:
            return known
        while f"rId{self.next}" in self.rels:
            self.next += 1
        r_id = f"rId{self.next}"
        self.rels.add_relationship(RT.HYPERLINK, url, r_id, is_external=True)
        self.ids[url] = r_id
        return r_id


class Slot:
    """Where text is spliced into a part: a placeholder comment that lxml serialises in
    place of the elements the text stands for."""

    def __init__(self, parent: Element, before: Element | None = None) -> None:
        self.marker = f"draft-{uuid.uuid4().hex}"
        self.comment = etree.Comment(self.marker)
        if before is not None:
            before.addprevious(self.comment)
        else:
            parent.append(self.comment)
        self.parent = parent

    def plain_prefixes(self, *namespaces: str) -> bool:
        """Whether each namespace is in scope here under its usual prefix (w, r) and no other,
        as the text is written; otherwise lxml would choose the prefixes."""
        scope = self.parent.nsmap
        usual = {W_NS: "w", R_NS: "r"}
        return all([p for p, uri in scope.items() if uri == ns] == [usual[ns]] for ns in namespaces)

    def halves(self, serialised: bytes) -> tuple[bytes, bytes]:
        """The part's bytes before and after the text that goes in the slot."""
        head, sep, tail = serialised.partition(f"<!--{self.marker}-->".encode())
        assert sep and tail.find(sep) < 0, "the splice marker must occur once"
        return head, tail

    def graft(self, text: str) -> None:
        """Put the elements of `text` where the slot is, made one by one as lxml elements in
        the order the writer once made them, so that lxml chooses the prefixes as it always
        did (a reference document that names the namespaces unusually, or not at all)."""
        wrapper = etree.fromstring(
            f'<draft xmlns:w="{W_NS}" xmlns:r="{R_NS}">{text}</draft>'.encode(), _FRAGMENT_PARSER
        )
        last = self.comment.getnext() is None
        if last:  # appended at the end, where they stay
            self.parent.remove(self.comment)
        for child in wrapper:
            _remake(self.parent, child, None if last else self.comment.addprevious)
        if not last:
            self.parent.remove(self.comment)


def _remake(
    parent: Element, model: Element, place: Callable[[Element], None] | None = None
) -> Element:
    """A copy of `model` made under `parent` as the writer once made it: element, attributes
    in order, text, its paragraph properties, then `place` (moving it, which makes lxml
    reconcile the namespaces of what it holds so far), then the other children."""
    made = etree.SubElement(parent, model.tag)
    for name, value in model.attrib.items():
        made.set(name, value)
    if model.text is not None:
        made.text = model.text
    children = list(model)
    if children and children[0].tag == _qn("w:pPr"):
        _remake(made, children.pop(0))
    if place is not None:
        place(made)
    for child in children:
        _remake(made, child)
    return made


_FRAGMENT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def part_blobs(document: WordDocument, spliced: dict[int, bytes]) -> list[tuple[str, bytes]]:
    """The package's members in the order python-docx saves them ([Content_Types].xml, the
    package's relationships, then each part and its relationships), `spliced` (id of a part
    -> its bytes) in place of a part's own serialisation."""
    from docx.opc.pkgwriter import _ContentTypesItem

    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    members = [
        ("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob),  # type: ignore[no-untyped-call]
        ("_rels/.rels", package.rels.xml),
    ]
    for part in parts:
        members.append((part.partname.membername, spliced.get(id(part)) or part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return [(name, blob if isinstance(blob, bytes) else blob.encode()) for name, blob in members]


def serialise(element: Element) -> bytes:
    """A part's XML as python-docx saves it."""
    return bytes(etree.tostring(element, encoding="UTF-8", standalone=True))
