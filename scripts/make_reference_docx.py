"""Regenerate templates/reference.docx, the styles every brief uses by default.

Starts from python-docx's own template, removes what marks it as python-docx's (thumbnail,
creator, description, Word 2010 style copies, sample customXml), adds the footnote part and
styles with the same code the writer uses, and sets A4 pages. Run: make reference-doc
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from drafting.writers import ooxml

TARGET = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"
DROP = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml", "customXml/")


def main() -> None:
    word = docx.Document()
    ooxml.reset_body(word)
    ooxml.ensure_footnote_support(word)
    ooxml.drop_thumbnail(word)
    for r_id, rel in list(word.part.rels.items()):
        if not rel.is_external and rel.target_ref.startswith(("stylesWithEffects", "../customXml")):
            word.part.rels.pop(r_id)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    props = word.core_properties
    props.author = props.comments = props.title = props.last_modified_by = ""
    buffer = io.BytesIO()
    word.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        left = [name for name in package.namelist() if name.startswith(DROP)]
    if left:
        raise SystemExit(f"python-docx parts still in the package: {left}")
    TARGET.write_bytes(ooxml.reproducible_zip(buffer.getvalue(), (1980, 1, 1, 0, 0, 0)))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
