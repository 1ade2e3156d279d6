"""Independent readers agree: pandoc reads the same footnotes from the .docx and the .md,
and LibreOffice prints them at the foot of the page."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from conftest import SAMPLE, run_draft
from oracles import docx_to_pdf, notes, pandoc_json, pdf_text_boxes, stringify


@pytest.fixture
def built(sample: Path) -> Path:
    result = run_draft("build", sample / "reports" / SAMPLE)
    assert result.exit_code == 0, result.stderr
    return sample / "build"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def test_pandoc_finds_the_same_footnotes_in_docx_and_markdown(built: Path) -> None:
    from_docx = [_norm(n) for n in notes(pandoc_json(built / f"{SAMPLE}.docx", "docx"))]
    # -smart: compare the characters we wrote, not pandoc's typographic quotes
    from_md = [_norm(n) for n in notes(pandoc_json(built / f"{SAMPLE}.md", "markdown-smart"))]
    assert len(from_docx) == 21  # the public edition: 22 claims, one of them confidential
    assert from_docx == from_md
    assert from_docx[0].startswith("[News report on leaked videos of torture at the OTB-1")
    assert (
        "“Inside Putin’s ‘torture conveyor belt’ prisons with inmates raped and mutilated,” "
        "Daily Star, n.d., para. 4." in from_docx[0]
    )


def test_pandoc_reads_the_same_body_text_from_both(built: Path) -> None:
    docx = pandoc_json(built / f"{SAMPLE}.docx", "docx")
    md = pandoc_json(built / f"{SAMPLE}.md", "markdown-smart")
    docx_paras = [_norm(stringify(b)) for b in docx["blocks"] if b["t"] == "Para"]
    md_paras = [_norm(stringify(b)) for b in md["blocks"] if b["t"] == "Para"]
    # In Word the title and subtitle are styles, which pandoc reads as metadata; in Markdown
    # the subtitle is a paragraph. Everything from the byline on must be the same.
    assert len(docx_paras) == 13  # byline + 12 paragraphs
    assert docx_paras == md_paras[-len(docx_paras) :]
    assert any("Eighteen prison officers were reported dismissed" in p for p in docx_paras)


def test_markdown_footnotes_read_the_same_in_markdown_it(built: Path) -> None:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").use(footnote_plugin)
    tokens = md.parse((built / f"{SAMPLE}.md").read_text())
    refs = [c for t in tokens if t.children for c in t.children if c.type == "footnote_ref"]
    defs = [t for t in tokens if t.type == "footnote_open"]
    assert len(refs) == len(defs) == 21
    assert [r.meta["id"] for r in refs] == list(range(21))


def test_libreoffice_prints_footnotes_at_the_foot_of_the_page(built: Path, tmp_path: Path) -> None:
    pdf = docx_to_pdf(built / f"{SAMPLE}.docx", tmp_path)
    height, words = pdf_text_boxes(pdf)
    # Footnote 1's text ("[News report on leaked videos ...") is set below the body text,
    # in the bottom part of page 1.
    starts = [y for word, y in words if word == "[News"]
    assert starts, "the first footnote's text is not on page 1"
    body = [y for word, y in words if word == "Footage"]
    assert body and min(starts) > body[0]
    assert min(starts) > height * 0.6
