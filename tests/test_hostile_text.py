"""Hostile content is text: any Unicode in a claim, a quote or a BibTeX title builds and reads
back as the same text, with exactly one footnote, in pandoc and markdown-it, from both the
.docx and the .md; the footnote prints the title verbatim; the quote is found in the archived
snapshot that holds it.

What a reader should see is computed here, from how the test built its input, never with the
code under test: claim text is put together from plain runs (any text without `*` and `_`)
and emphasised runs whose words the test knows; the only changes `draft` may make are
folding whitespace and replacing the characters a Word file cannot hold by U+FFFD.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import yaml
from conftest import FIXTURES, copy_workspace, require_tool, run_draft
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from oracles import assert_valid_docx, notes, pandoc_json, stringify

# 40 examples keep CI fast; HOSTILE_EXAMPLES=1000 hunts for more.
settings.register_profile(
    "hostile",
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    deadline=None,
    # The autouse check of built .docx files is per test, not per example: that is intended.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HOSTILE = settings.get_profile("hostile")

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
# Plain runs of claim text: anything but the two emphasis characters.
plain_runs = texts.map(lambda t: t.replace("*", "").replace("_", ""))
# Emphasised runs: words whose edges are letters or digits, so the markers always pair up.
words = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9 ]{0,10}[A-Za-z0-9])?", fullmatch=True)
runs = st.lists(
    st.one_of(
        st.tuples(st.just(""), plain_runs),
        st.tuples(st.sampled_from(["*", "**"]), words),
    ),
    min_size=1,
    max_size=6,
)
# A quote: one line of printable text, as a snapshot holds it (no elision marks `…`/`[...]`).
quotes = texts.map(
    lambda t: " ".join(
        "".join(c for c in t if c.isprintable() and c != "…").replace("[...]", "").split()
    )
)
# A BibTeX title: Markdown's special characters, but none of LaTeX's (BibTeX fields are
# LaTeX: `{\'e}` is é, `--` an en dash) and no quotation marks (a style may turn them).
TITLE_CHARACTERS = "abcXYZ019 *[]<>|@:!+=()/;,?.&" + "äß€→日本"
titles = st.text(TITLE_CHARACTERS, min_size=1, max_size=30).filter(
    lambda t: t.strip() != "" and t.strip()[0].isalnum() and t.strip()[-1].isalnum()
)


def _forbidden(c: str) -> bool:
    """XML 1.0 cannot hold C0 controls (but tab, LF, CR), surrogates, U+FFFE and U+FFFF."""
    code = ord(c)
    return (code < 0x20 and c not in "\t\n\r") or 0xD800 <= code < 0xE000 or c in "\ufffe\uffff"


def _visible(text: str) -> str:
    """What a reader sees, compared with whitespace folded."""
    return _fold("".join("\ufffd" if _forbidden(c) else c for c in text))


def _fold(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def _workspace(text: str, quote: str, title: str) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp())
    try:
        ws = copy_workspace(FIXTURES / "example", root / "ws")
        citation = {"key": "src", "quote": quote, "locator": "p. 1"}
        report = {
            "title": "Hostile",
            "sections": [{"heading": "S", "paragraphs": [["c"]]}],
            "claims": {"c": {"text": text, "sources": [citation]}},
        }
        (ws / "reports" / "example" / "report.yaml").write_text(
            yaml.safe_dump(report, allow_unicode=False), encoding="utf-8"
        )
        (ws / "sources" / "archive" / "src.txt").write_text(
            f"{quote}\n\nThe rest of the archived page.\n", encoding="utf-8"
        )
        (ws / "sources" / "library.bib").write_text(
            f"@misc{{src,\n  title = {{{title}}},\n  date = {{2021}},\n"
            "  file = {archive/src.txt},\n}\n",
            encoding="utf-8",
        )
        yield ws
    finally:
        shutil.rmtree(root)


def _build(ws: Path) -> tuple[Path, Path]:
    result = run_draft("build", ws / "reports" / "example")
    assert result.exit_code == 0, result.stderr
    md, docx_path = ws / "build" / "example.md", ws / "build" / "example.docx"
    docx.Document(str(docx_path))  # opens
    assert_valid_docx(docx_path)  # built in a folder of its own, which the autouse check misses
    return md, docx_path


def _claim_paragraph(doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The paragraph holding the note, and the number of notes in the document."""
    paragraphs = [b for b in doc["blocks"] if notes({"blocks": [b]})]
    assert len(paragraphs) == 1, paragraphs
    return paragraphs[0], len(notes(doc))


def _emphasis(node: Any) -> list[tuple[str, str]]:
    """(marker, text) of every Emph ("*") and Strong ("**") node, in order."""
    found: list[tuple[str, str]] = []
    if isinstance(node, list):
        for item in node:
            found.extend(_emphasis(item))
    elif isinstance(node, dict):
        if node.get("t") in ("Emph", "Strong"):
            marker = "*" if node["t"] == "Emph" else "**"
            inner = node["c"]
            other = "Strong" if node["t"] == "Emph" else "Emph"
            if len(inner) == 1 and inner[0].get("t") == other:
                # `***a***`: bold italic, whichever the reader nests outside (pandoc's .docx
                # reader puts the italic outside, its Markdown reader sometimes the bold)
                marker = "***"
            found.append((marker, _fold(stringify(node["c"]))))
        else:
            found.extend(_emphasis(node.get("c")))
    return found


def _markdown_it(md: str) -> tuple[str, int, int]:
    parser = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)
    tokens = parser.parse(md)
    refs = [c for t in tokens if t.children for c in t.children if c.type == "footnote_ref"]
    defs = [t for t in tokens if t.type == "footnote_open"]
    (inline,) = [t for t in tokens if t.children and any(c in refs for c in t.children)]
    text = "".join(
        c.content if c.type in ("text", "code_inline") else " " if "break" in c.type else ""
        for c in inline.children or []
    )
    kinds = {c.type for c in inline.children or []}
    assert not kinds & {"link_open", "html_inline", "image"}, kinds
    return _fold(text), len(refs), len(defs)


def _readings(md: Path, docx_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, reader in ((docx_path, "docx"), (md, "markdown-smart")):
        yield reader, pandoc_json(path, reader)


@settings(HOSTILE)
@given(parts=runs, quote=quotes, title=titles)
@example(parts=[("", "a ^s^ b ~t~ $x$ [^1] <b>")], quote="*x* [^1]", title="a *b* [c]")
@example(parts=[("*", "em"), ("", "\x0b\ud800"), ("**", "strong words")], quote="", title="t")
def test_text_note_and_quote_read_back_verbatim(
    parts: list[tuple[str, str]], quote: str, title: str
) -> None:
    require_tool("pandoc")
    text = " ".join(f"{marker}{words}{marker}" for marker, words in parts)
    expected = _visible(" ".join(words for _, words in parts))
    assume(expected)
    emphasised = [(marker, words) for marker, words in parts if marker]
    note = f"“{_fold(title)},” 2021, 1."
    with _workspace(text, quote, title) as ws:
        md, docx_path = _build(ws)
        for reader, doc in _readings(md, docx_path):
            paragraph, count = _claim_paragraph(doc)
            assert count == 1, (reader, count)
            assert _fold(stringify(paragraph)) == expected, (reader, stringify(paragraph))
            assert _emphasis(paragraph["c"]) == emphasised, reader
            assert [_fold(n) for n in notes(doc)] == [note], reader
        read, refs, defs = _markdown_it(md.read_text(encoding="utf-8"))
        assert (refs, defs) == (1, 1)
        assert read == expected
        if quote:
            check = run_draft("check", ws / "reports" / "example", "--format", "json")
            (citation,) = json.loads(check.stdout)["claims"][0]["citations"]
            assert citation["outcome"] in ("exact", "normalised"), citation
            assert (citation["paragraph"], citation["passage"]) == (1, quote), citation
            assert "quote-not-found" not in check.stderr


@settings(HOSTILE)
@given(text=texts)
@example(text="*")
@example(text="**a** *b*")
@example(text="a\\")
@example(text="***0*a*b _*a*_ **a __b__ c** *a **b *c* d** e*")
@example(text="_a_*b* **a*b*** a*b*c")
@example(text="*a **b** c* __d__ *e*f *.a* x*.a*")
@example(text="\u00a0x *\u00a0y* 1986. Looks ~~x~~ <b> a. b")
def test_any_text_reads_the_same_in_every_reader(text: str) -> None:
    """Emphasis markers anywhere: whatever the claim's emphasis comes to, the .docx and the
    .md read the same words and the same emphasis, in pandoc and markdown-it, with one note;
    and apart from the emphasis markers the text is the claim's own."""
    require_tool("pandoc")
    assume(_visible(text.replace("*", "").replace("_", "")))
    with _workspace(text, "", "t") as ws:
        md, docx_path = _build(ws)
        seen = {}
        for reader, doc in _readings(md, docx_path):
            paragraph, count = _claim_paragraph(doc)
            assert count == 1, (reader, count)
            seen[reader] = (_fold(stringify(paragraph)), _emphasis(paragraph["c"]))
        assert seen["docx"] == seen["markdown-smart"], seen
        read, refs, defs = _markdown_it(md.read_text(encoding="utf-8"))
        assert (refs, defs) == (1, 1)
        assert read == seen["docx"][0]
        # Only the markers may go: the rest is the claim's own text, in order.
        markers = re.compile(r"[*_]")
        assert _fold(markers.sub("", read)).replace(" ", "") == markers.sub(
            "", _visible(text)
        ).replace(" ", "")
