"""Read our outputs with independent tools: pandoc (docx and Markdown), LibreOffice, and
openxml-audit (the Office Open XML schemas and Word's own consistency rules, in Python)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import require_tool

_VALID: set[str] = set()
"""Digests of the .docx files already found valid: the same bytes need no second look."""


def _validator() -> Any:
    """A new validator for every file: one validator reused across files was seen to check a
    document's footnote ids against an earlier document's (spurious "id '2' was not found"
    findings on a valid brief). A new one costs about 0.3 s."""
    from openxml_audit import OpenXmlValidator

    return OpenXmlValidator(max_errors=0)


def docx_findings(path: Path) -> list[str]:
    """Every finding openxml-audit makes on the .docx (errors and warnings), as text."""
    return [str(finding) for finding in _validator().validate(path).errors]


def assert_valid_docx(path: Path) -> None:
    """Fail unless openxml-audit finds nothing wrong in the .docx."""
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    if key in _VALID:
        return
    findings = docx_findings(path)
    assert not findings, f"openxml-audit on {path.name}:\n" + "\n".join(findings)
    _VALID.add(key)


def assert_built_docx_valid(folder: Path) -> int:
    """Validate every .docx that `draft` wrote under `folder` and nobody changed since (those
    an output folder's manifest records with the digest the file still has): openxml-audit,
    and its claim manifest against verify's reader. Returns how many."""
    checked = 0
    for manifest in folder.rglob(".draft-manifest.json"):
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError):
            continue  # a test that corrupts the manifest on purpose
        for name, entry in files.items():
            path = manifest.parent / name
            if path.suffix != ".docx" or not path.is_file():
                continue
            if hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256"):
                assert_valid_docx(path)
                assert_manifest_matches(path)
                checked += 1
    return checked


def pandoc_json(path: Path, reader: str) -> dict[str, Any]:
    pandoc = require_tool("pandoc")
    out = subprocess.run(
        [pandoc, "-f", reader, "-t", "json", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def stringify(node: Any) -> str:
    """Plain text of a pandoc JSON fragment, as pandoc's own `stringify`."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c", [])
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Note":
        return ""  # a note's text is not part of the sentence that carries its mark
    if kind in ("Span", "Link", "Image"):
        return stringify(content[1])
    if kind == "Quoted":
        mark = "“”" if content[0]["t"] == "DoubleQuote" else "‘’"
        return mark[0] + stringify(content[1]) + mark[1]
    if kind in ("Para", "Plain", "Emph", "Strong", "Underline", "SmallCaps", "Strikeout"):
        return stringify(content)
    return stringify(content) if isinstance(content, list) else ""


def notes(doc: dict[str, Any]) -> list[str]:
    """Every footnote's text, in document order."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get("t") == "Note":
                found.append(" ".join(stringify(block) for block in node["c"]).strip())
                return
            visit(node.get("c"))

    visit(doc["blocks"])
    return found


def pdf_text_boxes(pdf: Path) -> tuple[float, list[tuple[str, float]]]:
    """(page height, [(word, y of its top)]) for page 1, from `pdftotext -bbox`."""
    pdftotext = require_tool("pdftotext")
    html = subprocess.run(
        [pdftotext, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    import re

    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    words = [
        (w, float(y))
        for y, w in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html
        )
    ]
    return height, words


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    soffice = require_tool("soffice")
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out_dir / (docx.stem + ".pdf")
    assert pdf.is_file(), "LibreOffice did not write a PDF"
    return pdf


def assert_manifest_matches(path: Path) -> None:
    """The claim manifest a build embeds is exactly what `draft verify`'s reader finds in the
    written file: its claims (by the `c_` bookmarks the builds write), their texts and notes,
    and the sentences outside every claim. The writer computes the manifest while writing, so
    this is what keeps the two from drifting apart."""
    from drafting.verify import compare, extract, manifest
    from drafting.verify.package import open_docx

    package = open_docx(path)
    try:
        body = package.xml("word/document.xml")
        targets = compare._document_targets(package)
        notes = package.xml(targets["footnotes"]) if "footnotes" in targets else None
        embedded = compare.find_manifest(package)
        raw = next(
            package._read(name)
            for name in sorted(package.names)
            if name.startswith("customXml/item") and b"urn:x-draft:manifest" in package._read(name)
        )
    finally:
        package.close()
    found = extract.extract(body, lambda name: name.startswith("c_"), notes)
    bookmarks = {c.bookmark: c.id for c in embedded.claims}
    missing = [c.bookmark for c in found.claims if c.bookmark not in bookmarks]
    assert not missing, f"{path.name}: claims the manifest does not record: {missing}"
    reread = manifest.make(
        found, bookmarks, embedded.report, embedded.built, embedded.generator, embedded.edition
    )
    assert manifest.to_xml(reread) == raw, f"{path.name}: the manifest differs from the file"
