"""WordprocessingML as text, with nothing but the standard library: the body's and the
notes' elements, relationships, and the reproducible zip. A warm build (`writers.skeleton`)
writes a whole .docx from these without importing python-docx or lxml's parser; `ooxml`
re-exports them for the writer that builds the package through python-docx.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from functools import lru_cache

# --------------------------------------------------------------------------- the body as text
# The body and the notes grow with the brief, so they are written as XML text straight from
# the document model: building an lxml element per run and paragraph was most of the
# writer's time. Each function returns exactly what lxml serialised for the elements the
# writer built before (same attribute order, `<w:p/>` for an empty paragraph, `<w:t></w:t>`
# for empty text, libxml2's escapes), so the bytes are the same; tests/test_docx_golden.py
# holds the bytes that writer made.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FORBIDDEN_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CHARACTERS}]")
"""What lxml refuses in a string (control characters, lone surrogates, U+FFFE, U+FFFF)."""
_SPECIAL = re.compile(f"[&<>\r{_FORBIDDEN_CHARACTERS}]")
"""What text cannot be written as it is."""
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)


def xml_text(text: str) -> str:
    """`text` as element content, escaped as libxml2 escapes it (a raw CR would be read back
    as LF). Characters XML cannot hold raise ValueError, as lxml does."""
    if not _SPECIAL.search(text):  # most text: one scan in C, no copy
        return text
    if _FORBIDDEN.search(text):
        raise ValueError(f"All strings must be XML compatible: {text[:40]!r}")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


@lru_cache(maxsize=64)
def style_attribute(style_id: str) -> str:
    """A style id as an attribute value: the same few ids on every run, escaped once."""
    return xml_attribute(style_id)


def xml_attribute(value: str) -> str:
    if _FORBIDDEN.search(value):
        raise ValueError(f"All strings must be XML compatible: {value[:40]!r}")
    return value.translate(_ATTRIBUTE_ESCAPES)


def paragraph_open(style_id: str | None) -> str:
    if style_id:
        return f'<w:p><w:pPr><w:pStyle w:val="{style_attribute(style_id)}"/></w:pPr>'
    return "<w:p>"


EMPTY_PARAGRAPH = "<w:p/>"
PARAGRAPH_CLOSE = "</w:p>"
_RUN_PROPERTIES = {
    (False, False): "",
    (True, False): "<w:rPr><w:i/></w:rPr>",
    (False, True): "<w:rPr><w:b/></w:rPr>",
    (True, True): "<w:rPr><w:b/><w:i/></w:rPr>",
}


def run_text(text: str, *, italic: bool = False, bold: bool = False) -> str:
    """A run of `text` (see `run`)."""
    if text[:1].isspace() or text[-1:].isspace():
        t = f'<w:t xml:space="preserve">{xml_text(text)}</w:t>'
    else:
        t = f"<w:t>{xml_text(text)}</w:t>"
    return f"<w:r>{_RUN_PROPERTIES[italic, bold]}{t}</w:r>"


def bookmark_start_text(bookmark_id: int, name: str) -> str:
    return f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{xml_attribute(name)}"/>'


def bookmark_end_text(bookmark_id: int) -> str:
    return f'<w:bookmarkEnd w:id="{bookmark_id}"/>'


def note_reference_text(number: int, reference_style: str) -> str:
    """The body's mark of note `number` (see `footnote`)."""
    return (
        f'<w:r><w:rPr><w:rStyle w:val="{style_attribute(reference_style)}"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'
    )


def footnote_open(number: int, reference_style: str, text_style: str) -> str:
    """Note `number` up to its text: its paragraph, the note's own mark and a space (see
    `footnote`); close it with `FOOTNOTE_CLOSE`."""
    return (
        f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="{style_attribute(text_style)}"/>'
        f'</w:pPr><w:r><w:rPr><w:rStyle w:val="{style_attribute(reference_style)}"/></w:rPr>'
        '<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
    )


FOOTNOTE_CLOSE = "</w:p></w:footnote>"


def hyperlink_text(r_id: str, url: str, style_id: str, *, italic: bool, bold: bool) -> str:
    """`url` as a hyperlink run (see `hyperlink`; `r_id` from `Links`)."""
    flags = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    pieces = "<w:noBreakHyphen/>".join(
        f"<w:t>{xml_text(piece)}</w:t>" if piece else "" for piece in url.split("-")
    )
    return (
        f'<w:hyperlink r:id="{xml_attribute(r_id)}" w:history="1"><w:r><w:rPr><w:rStyle '
        f'w:val="{style_attribute(style_id)}"/>{flags}</w:rPr>{pieces}</w:r></w:hyperlink>'
    )


def comment_start_text(comment_id: int) -> str:
    return f'<w:commentRangeStart w:id="{comment_id}"/>'


def comment_end_text(comment_id: int) -> str:
    """The range end and the comment's mark, as python-docx's `add_comment` places them."""
    return (
        f'<w:commentRangeEnd w:id="{comment_id}"/><w:r><w:rPr><w:rStyle '
        f'w:val="CommentReference"/></w:rPr><w:commentReference w:id="{comment_id}"/></w:r>'
    )


def zip_members(
    members: Iterable[tuple[str, bytes]], date_time: tuple[int, int, int, int, int, int]
) -> bytes:
    """The package with fixed entry dates and attributes, the members in the order given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, blob in members:
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, blob, compresslevel=6)
    return out.getvalue()


def custom_xml_props(item_id: str, schema: str) -> bytes:
    """`customXml/itemPropsN.xml`: the id and schema of a custom XML data part."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="http://schemas.openxmlformats'
        '.org/officeDocument/2006/customXml"><ds:schemaRefs>'
        f'<ds:schemaRef ds:uri="{schema}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()


def core_children(title: str, subject: str, author: str, when: str, keywords: str | None) -> str:
    """The elements of `docProps/core.xml` as python-docx writes them when the writer sets
    the properties in its order (`docx._core_properties`); `when` as W3CDTF."""
    created = f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
    modified = f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
    text = (
        f"<dc:title>{xml_text(title)}</dc:title><dc:subject>{xml_text(subject)}</dc:subject>"
        f"<dc:creator>{xml_text(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{xml_text(author)}</cp:lastModifiedBy>{created}{modified}"
        "<cp:revision>1</cp:revision>"
    )
    if keywords is not None:
        text += (
            f"<cp:keywords>{xml_text(keywords)}</cp:keywords>"
            f"<cp:category>{xml_text(keywords)}</cp:category>"
        )
    return text


HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def hyperlink_relationships(urls: Iterable[str]) -> str:
    """The `Relationship` elements of a part's hyperlinks, `rId1`... in order (see
    `body.Links`)."""
    return "".join(
        f'<Relationship Id="rId{number}" Type="{HYPERLINK}" Target="{xml_attribute(url)}" '
        'TargetMode="External"/>'
        for number, url in enumerate(urls, 1)
    )
