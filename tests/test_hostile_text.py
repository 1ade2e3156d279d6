"""Hostile content is text: any Unicode in a claim, a quote or a BibTeX title builds, and
reads back as the same text, with exactly one footnote, in pandoc and markdown-it, from both
the .docx and the .md."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import docx
import yaml
from conftest import FIXTURES, copy_workspace, require_tool
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from oracles import notes, pandoc_json, stringify

from drafting import pipeline
from drafting.load.claims import _clean
from drafting.text import inline_markup, plain, xml_safe

# 40 examples keep CI fast; HOSTILE_EXAMPLES=1000 hunts for more.
settings.register_profile(
    "hostile", max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")), deadline=None
)

# Text that could become markup in one of the readers we promise to agree with.
TRICKS = [
    "[^1]",
    "[^1]: forged",
    "# heading",
    "[link](http://x)",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% for x in y %}",
    "*",
    "**",
    "***",
    "_",
    "* a *",
    "*a*b",
    "a*.*b",
    "\\",
    "&amp;",
    "&#42;",
    "<http://x>",
    "1. ",
    "1) ",
    "- ",
    "+ ",
    "> ",
    "@cite",
    "$x$",
    "~s~",
    "^s^",
    "{.c}",
    '"quote"',
    "--",
    "...",
    "a. ",
    "(1) ",
    "|",
    ": ",
    "`",
    "\x00",
    "\x0b",
    "\ud800",
    "\u00a0",
    "\t",
    "\n",
]
texts = st.lists(st.one_of(st.sampled_from(TRICKS), st.text(max_size=8)), max_size=8).map("".join)
# A .bib file is UTF-8 (no lone surrogates) and braces, backslashes and % are BibTeX syntax.
titles = texts.map(
    lambda t: "".join(c for c in t if c not in "{}\\%" and not 0xD800 <= ord(c) < 0xE000)
)


def _workspace(root: Path, text: str, quote: str, title: str) -> Path:
    ws = copy_workspace(FIXTURES / "example", root)
    report = {
        "title": "Hostile",
        "sections": [{"heading": "S", "paragraphs": [["c"]]}],
        "claims": {
            "c": {"text": text, "sources": [{"key": "src", "quote": quote, "locator": "p. 1"}]}
        },
    }
    (ws / "reports" / "example" / "report.yaml").write_text(
        yaml.safe_dump(report, allow_unicode=False), encoding="utf-8"
    )
    (ws / "sources" / "library.bib").write_text(
        f"@misc{{src,\n  title = {{{title}}},\n  date = {{2021}},\n}}\n", encoding="utf-8"
    )
    return ws


def _expected(text: str) -> str:
    """What a reader sees: the text as loaded (whitespace collapsed, forbidden characters
    replaced), emphasis markers read as emphasis; compared with whitespace folded."""
    return _fold(plain(inline_markup(xml_safe(_clean(text)))))


def _fold(text: str) -> str:
    return " ".join(text.split())


def _claim_paragraph(doc: dict[str, Any]) -> tuple[str, int]:
    """The text of the paragraph holding the note, and the number of notes in the document."""
    paragraphs = [b for b in doc["blocks"] if notes({"blocks": [b]})]
    assert len(paragraphs) == 1, paragraphs
    return _fold(stringify(paragraphs[0])), len(notes(doc))


def _markdown_it(md: str) -> tuple[str, int, int]:
    parser = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)
    tokens = parser.parse(md)
    refs = [c for t in tokens if t.children for c in t.children if c.type == "footnote_ref"]
    defs = [t for t in tokens if t.type == "footnote_open"]
    (inline,) = [t for t in tokens if t.children and any(c in refs for c in t.children)]
    words = "".join(
        c.content if c.type in ("text", "code_inline") else " " if "break" in c.type else ""
        for c in inline.children or []
    )
    kinds = {c.type for c in inline.children or []}
    assert not kinds & {"link_open", "html_inline", "image"}, kinds
    return _fold(words), len(refs), len(defs)


@settings(settings.get_profile("hostile"), suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, quote=texts, title=titles)
@example(text="*", quote="", title="")
@example(text="**a** *b*", quote="", title="*")
@example(text="a\\", quote="\\", title="x")
@example(text="***0*a*b _*a*_ **a __b__ c** *a **b *c* d** e*", quote="", title="")
@example(text="_a_*b* **a*b*** a*b*c", quote="", title="")
@example(text="*a **b** c* __d__ *e*f *.a* x*.a*", quote="", title="")
@example(text="\u00a0x *\u00a0y* 1986. Looks ~~x~~ <b> a. b", quote="", title="a. b")
def test_any_text_builds_and_reads_back_verbatim(text: str, quote: str, title: str) -> None:
    require_tool("pandoc")
    if not _clean(text) or not _fold(_expected(text)):
        return  # an empty claim is another test's business
    root = Path(tempfile.mkdtemp())
    try:
        ws = _workspace(root / "ws", text, quote, title)
        inputs = pipeline.gather(ws / "reports" / "example")
        written = pipeline.build(inputs)
        md_path, docx_path = sorted(written, key=lambda p: p.suffix != ".md")
        docx.Document(str(docx_path))  # opens
        expected = _expected(text)
        for path, reader in ((docx_path, "docx"), (md_path, "markdown-smart")):
            words, count = _claim_paragraph(pandoc_json(path, reader))
            assert count == 1, (reader, count)
            assert words == expected, (reader, words, expected)
        words, refs, defs = _markdown_it(md_path.read_text(encoding="utf-8"))
        assert (refs, defs) == (1, 1)
        assert words == expected
    finally:
        shutil.rmtree(root)
