"""The Word writer's exact bytes, case by case (tests/cases/docx/*.yaml).

Each case is a document model written straight to .docx (`blocks:`), or a build of the sample
brief with command-line options (`build:`). Its golden file, tests/golden/docx/NAME.json,
records the SHA-256 of the whole .docx and of each part, so any change of a byte fails and the
message names the parts that changed. The goldens were written by the Word writer that built
the body with python-docx and read the manifest back from the XML; the faster writer must give
the very same bytes. After a deliberate change run `pytest --update-golden` and review which
parts changed. To add a case, copy a YAML file and edit it; no Python needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import GOLDEN, REPO, SAMPLE, copy_sample, run_draft
from oracles import assert_manifest_matches, assert_valid_docx

from drafting.model import (
    Block,
    BulletList,
    ClaimSpan,
    Document,
    Emph,
    Heading,
    Inline,
    Meta,
    Note,
    Para,
    Strong,
    Text,
)
from drafting.writers import WRITERS, docx

CASES = Path(__file__).resolve().parent / "cases" / "docx"
NAMES = sorted(p.stem for p in CASES.glob("*.yaml"))


def _case(name: str) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    return case


def _inlines(items: list[Any]) -> tuple[Inline, ...]:
    """YAML -> inlines: a string is text; {emph: [...]}, {strong: [...]}, {claim: id,
    content: [...]}, {note: n, content: [...]}, {repeat: text, times: n} (long text)."""
    out: list[Inline] = []
    for item in items:
        if isinstance(item, str):
            out.append(Text(item))
        elif "repeat" in item:
            out.append(Text(item["repeat"] * item["times"]))
        elif "emph" in item:
            out.append(Emph(_inlines(item["emph"])))
        elif "strong" in item:
            out.append(Strong(_inlines(item["strong"])))
        elif "claim" in item:
            out.append(ClaimSpan(str(item["claim"]), _inlines(item["content"])))
        elif "note" in item:
            out.append(Note(int(item["note"]), _inlines(item["content"])))
        else:
            raise ValueError(f"unknown inline in a case: {item!r}")
    return tuple(out)


def _blocks(items: list[dict[str, Any]]) -> tuple[Block, ...]:
    out: list[Block] = []
    for item in items:
        if "heading" in item:
            out.append(Heading(int(item["heading"]), _inlines(item["content"])))
        elif "para" in item:
            out.append(Para(_inlines(item["para"])))
        elif "list" in item:
            out.append(BulletList(tuple(_inlines(i) for i in item["list"])))
        else:
            raise ValueError(f"unknown block in a case: {item!r}")
    return tuple(out)


def _document(case: dict[str, Any]) -> Document:
    if "document" in case:  # another case's document, e.g. with comments or another reference
        return _document(_case(case["document"]))
    meta = case["meta"]
    date = meta.get("date")
    return Document(
        Meta(
            title=meta["title"],
            organisation=meta.get("organisation", ""),
            date=date if isinstance(date, dt.date) else None,
            subtitle=meta.get("subtitle", ""),
            report=meta.get("report", ""),
            banner=meta.get("banner", ""),
        ),
        _blocks(case["blocks"]),
    )


def _reference(case: dict[str, Any], tmp_path: Path) -> Path:
    """`shipped` (templates/reference.docx), `dirty` (the shipped one plus comments, headers,
    custom XML, revision ids... see test_editions), or {edits: [{part, pattern, replace}]}:
    the shipped one with regular-expression replacements in its parts."""
    kind = case.get("reference", "shipped")
    if kind == "dirty":
        from test_editions import _dirty_reference

        return Path(_dirty_reference(tmp_path / "dirty.docx"))
    shipped = REPO / "templates" / "reference.docx"
    if kind == "shipped":
        return shipped
    target = tmp_path / "edited.docx"
    with zipfile.ZipFile(shipped) as src, zipfile.ZipFile(target, "w") as out:
        for name in src.namelist():
            data = src.read(name).decode("utf-8")
            for edit in kind["edits"]:
                if edit["part"] == name:
                    data = re.sub(edit["pattern"], edit["replace"], data)
            out.writestr(name, data)
    return target


def _built(case: dict[str, Any], tmp_path: Path) -> Path:
    """The .docx of a `build:` case: the sample brief built with the case's options."""
    ws = copy_sample(tmp_path / "ws")
    args = [str(a) for a in case["build"].get("args", [])]
    if case.get("reference", "shipped") != "shipped":
        args += ["--reference-doc", str(_reference(case, tmp_path))]
    result = run_draft("build", ws / "reports" / SAMPLE, "--format", "docx", *args)
    assert result.exit_code == 0, result.stderr
    return ws / "build" / str(case["build"]["file"])


def _digests(raw: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        parts = {n: hashlib.sha256(package.read(n)).hexdigest() for n in package.namelist()}
    return {"sha256": hashlib.sha256(raw).hexdigest(), "parts": parts}


@pytest.mark.parametrize("name", NAMES)
def test_docx_bytes_match_golden(
    name: str, tmp_path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    case = _case(name)
    if "build" in case:
        path = _built(case, tmp_path)
    else:
        document = _document(case)
        reference = _reference(case, tmp_path)
        comments = case.get("comments")
        raw = (
            docx.write(document, reference, comments)
            if comments
            else WRITERS["docx"](document, reference)
        )
        path = tmp_path / f"{name}.docx"
        path.write_bytes(raw)
        assert WRITERS["docx"](document, reference) == WRITERS["docx"](document, reference)
    actual = _digests(path.read_bytes())
    golden = GOLDEN / "docx" / f"{name}.json"
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(actual, indent=1) + "\n", encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{golden} did not exist; it was written, review and commit it")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    changed = sorted(
        n
        for n in expected["parts"].keys() | actual["parts"].keys()
        if expected["parts"].get(n) != actual["parts"].get(n)
    )
    assert not changed, f"parts that differ from {golden.name}: {changed}"
    assert list(actual["parts"]) == list(expected["parts"]), "the parts are in another order"
    assert actual["sha256"] == expected["sha256"], "same parts, different zip bytes"
    assert_manifest_matches(path)
    assert_valid_docx(path)  # openxml-audit: the schemas and Word's own rules


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\ufffe", "\uffff", "\ud800"])
@pytest.mark.parametrize("where", ["body", "note", "claim id"])
def test_text_xml_cannot_hold_is_refused(char: str, where: str) -> None:
    """The pipeline replaces such characters (text.xml_safe) before any writer runs; a
    document that still holds one is refused, as lxml refused it, never written."""
    text = f"a{char}b"
    inlines: dict[str, Inline] = {
        "body": Text(text),
        "note": Note(1, (Text(text),)),
        "claim id": ClaimSpan(text, (Text("words"),)),  # in the manifest
    }
    document = Document(Meta("T", "O", None), (Para((inlines[where],)),))
    with pytest.raises(ValueError):
        WRITERS["docx"](document, REPO / "templates" / "reference.docx")
