"""Public and internal editions, the leak scan, and what a reference document may bring in.

The sample's confidential witness (`witness-sidorov-2021`, a fictional interview) is cited by
`detainee-recorder` (public) and `detainee-lawyer` (confidential).
"""

from __future__ import annotations

import io
import re
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SAMPLE, require_tool, run_draft
from lxml import etree
from oracles import docx_to_pdf

from drafting.output.leaks import Scanner, Secret, scan

REDACTED = "[Interview with a former detainee, name withheld for security reasons]"
BANNER = "INTERNAL — CONTAINS CONFIDENTIAL SOURCES"
# Every field of the witness's entry, and the confidential claim's text: none may appear in a
# public output, in any form.
WITNESS = (
    "witness-sidorov-2021",
    "Sidorov",
    "Pyotr",
    "Interview with Pyotr Sidorov, former detainee at the OTB-1 prison hospital",
    "Fictional interview written for the draft sample brief",
    "archive/witness-sidorov-2021.txt",
    "I saw an orderly carry a video recorder into the treatment room",
    "He advised me to say nothing until I was released",
    "his lawyer advised him to say nothing",
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _parts(docx: Path) -> dict[str, str]:
    """Every part of the package, decompressed, as raw XML and as text with runs joined."""
    found = {}
    with zipfile.ZipFile(docx) as package:
        for name in package.namelist():
            raw = package.read(name).decode("utf-8", "replace")
            try:
                root = etree.fromstring(package.read(name))
                text = "".join(str(t) for t in root.itertext()) + " ".join(
                    str(v) for e in root.iter() for v in e.attrib.values()
                )
            except etree.XMLSyntaxError:
                text = ""
            found[name] = f"{raw}\n{text}".casefold()
    return found


def _build(ws: Path, *args: str) -> tuple[int, str]:
    result = run_draft("build", ws / "reports" / SAMPLE, *args)
    return result.exit_code, result.stderr


def _outputs(ws: Path) -> list[str]:
    build = ws / "build"
    return sorted(p.name for p in build.iterdir()) if build.is_dir() else []


# --------------------------------------------------------------------------- public edition


def test_public_edition_shows_only_the_redacted_label(sample: Path) -> None:
    code, stderr = _build(sample)
    assert code == 0, stderr
    md = (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    parts = _parts(sample / "build" / f"{SAMPLE}.docx")
    for text in WITNESS:
        assert text.casefold() not in md.casefold(), text
        for name, content in parts.items():
            assert text.casefold() not in content, (text, name)
    label = REDACTED.strip("[]")
    assert label in md
    assert label.casefold() in parts["word/footnotes.xml"]
    # the public claim citing the witness stays; the confidential one is gone
    assert "had seen an orderly take a video recorder" in md
    assert "INTERNAL" not in md


def test_public_edition_numbers_notes_without_a_gap(sample: Path) -> None:
    code, stderr = _build(sample)
    assert code == 0, stderr
    md = (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    marks = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", md)]
    assert marks == list(range(1, len(marks) + 1))
    assert len(marks) == 21  # 22 claims, one confidential


def test_public_edition_drops_a_paragraph_left_empty(sample: Path) -> None:
    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("- [detainee-recorder, detainee-lawyer]", "- [detainee-lawyer]"),
        encoding="utf-8",
    )
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "  detainee-recorder:\n", "  detainee-recorder:\n    confidential: true\n"
        ),
        encoding="utf-8",
    )
    run_draft("check", sample / "reports" / SAMPLE)
    code, stderr = _build(sample, "--ignore", "unused-claim")
    assert code == 0, stderr
    md = (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert "\n\n\n" not in md
    assert "detainee" not in md.casefold()
    with zipfile.ZipFile(sample / "build" / f"{SAMPLE}.docx") as package:
        body = etree.fromstring(package.read("word/document.xml"))
    paragraphs = body.iter(f"{{{W}}}p")
    assert all("".join(str(t) for t in p.itertext()).strip() for p in paragraphs)


def test_public_source_relying_on_a_confidential_one_does_not_name_it(sample: Path) -> None:
    """A style that prints every source's `origin` field still cannot print the witness's key."""
    bib = sample / "sources" / "library.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "origin = {gulagu-net},", "origin = {gulagu-net, witness-sidorov-2021},"
        ),
        encoding="utf-8",
    )
    style = (REPO / "templates" / "styles" / "chicago-note.md.j2").read_text(encoding="utf-8")
    style = style.replace(
        "{%- macro entry(s) -%}",
        "{%- macro entry(s) -%}{{ s.fields.get('origin', '') }} {{ s.authors | names }} ",
    )
    (sample / "templates" / "styles").mkdir(parents=True)
    (sample / "templates" / "styles" / "chicago-note.md.j2").write_text(style, encoding="utf-8")
    code, stderr = _build(sample)
    assert code == 0, stderr
    md = (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert "gulagu-net" in md  # the template did print origins
    assert "sidorov" not in md.casefold()


# --------------------------------------------------------------------------- the leak scan


def test_claim_that_names_the_witness_fails_and_writes_nothing(sample: Path) -> None:
    report = sample / "reports" / SAMPLE / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "A former detainee interviewed", "Pyotr Sidorov, a former detainee interviewed"
        ),
        encoding="utf-8",
    )
    code, stderr = _build(sample)
    assert code == 1
    assert "error[confidential-leak]" in stderr
    assert "source 'witness-sidorov-2021', field author" in stderr
    assert "Pyotr Sidorov" not in stderr  # the origin is named, never the string
    assert "Traceback" not in stderr
    assert _outputs(sample) == []


def test_template_that_prints_the_name_fails_and_writes_nothing(sample: Path) -> None:
    layout = (REPO / "templates" / "brief.md.j2").read_text(encoding="utf-8")
    (sample / "templates").mkdir()
    (sample / "templates" / "brief.md.j2").write_text(
        layout + "\nThanks to P&#121;otr **Sido**rov.\n", encoding="utf-8"
    )
    code, stderr = _build(sample)
    assert code == 1
    assert "error[confidential-leak]" in stderr
    assert _outputs(sample) == []


def test_template_that_prints_every_author_cannot_reach_the_witness(sample: Path) -> None:
    """Editions are applied before templates run: the witness's author is not in the context."""
    style = (REPO / "templates" / "styles" / "chicago-note.md.j2").read_text(encoding="utf-8")
    style = style.replace(
        "{%- macro entry(s) -%}",
        "{%- macro entry(s) -%}{{ s.authors | names }} {{ s.fields | list | join(' ') }} "
        "{{ s.note }} {{ s.url }} {{ s.key }} ",
    )
    (sample / "templates" / "styles").mkdir(parents=True)
    (sample / "templates" / "styles" / "chicago-note.md.j2").write_text(style, encoding="utf-8")
    code, stderr = _build(sample)
    assert code == 0, stderr
    md = (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert "Osechkin" in md  # the template printed the other sources' authors
    assert "sidorov" not in md.casefold()


def test_a_leak_leaves_previous_outputs_as_they_were(sample: Path) -> None:
    assert _build(sample)[0] == 0
    before = {n: (sample / "build" / n).read_bytes() for n in _outputs(sample)}
    report = sample / "reports" / SAMPLE / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("      A former detainee", "      Sidorov"),
        encoding="utf-8",
    )
    code, stderr = _build(sample)
    assert code == 1 and "confidential-leak" in stderr
    assert {n: (sample / "build" / n).read_bytes() for n in _outputs(sample)} == before


def _package(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return out.getvalue()


SECRET = [Secret("Anna Lindqvist", "source 'witness-a', field author")]
SCAN_CASES = yaml.safe_load((Path(__file__).parent / "cases" / "leaks.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", SCAN_CASES, ids=[c["why"] for c in SCAN_CASES])
def test_scanner_reads_raw_xml_and_joined_text(case: dict[str, Any]) -> None:
    secret = Secret(case["secret"], "source 'witness-a', field author")
    if case["part"] == "md":
        output = {Path("brief.md"): case["text"].encode("utf-8")}
    else:
        output = {Path("brief.docx"): _package({case["part"]: case["text"]})}
    leaks = scan(output, Scanner([secret]))
    assert bool(leaks) is case["found"], case["why"]
    if leaks and case["part"] != "md":
        assert leaks[0].where in (
            f"brief.docx, part {case['part']}",
            "brief.docx, part (part names)",
        )


def test_scanner_ignores_short_strings_and_the_redacted_label() -> None:
    secrets = [Secret("Li", "a"), Secret("Interview", "b"), Secret("Anna Lindqvist", "c")]
    scanner = Scanner(secrets, shown=["[Interview with a witness, name withheld]"])
    assert scan({Path("b.md"): b"Li. Interview with a witness."}, scanner) == []


def test_scanner_is_linear_in_the_outputs() -> None:
    """2,000 secret sentences over 4 MB of output: one pass, not secrets x text."""
    secrets = [
        Secret(f"Witness number {i} described cell {i * 7} in detail", f"claim 'c{i}', its text")
        for i in range(2000)
    ]
    text = ("The witness described the cell in some detail. " * 80_000).encode()
    started = time.perf_counter()
    assert scan({Path("b.md"): text}, Scanner(secrets)) == []
    assert time.perf_counter() - started < 20


# --------------------------------------------------------------------------- internal edition


def test_internal_edition_has_everything_marked_internal(sample: Path, tmp_path: Path) -> None:
    code, stderr = _build(sample, "--edition", "internal")
    assert code == 0, stderr
    assert _outputs(sample) == [
        ".draft-manifest.json",
        f"{SAMPLE}.internal.docx",
        f"{SAMPLE}.internal.md",
    ]
    md = (sample / "build" / f"{SAMPLE}.internal.md").read_text(encoding="utf-8")
    assert md.splitlines()[0] == f"**{BANNER}**"
    docx = sample / "build" / f"{SAMPLE}.internal.docx"
    parts = _parts(docx)
    everything = md.casefold() + "".join(parts.values())
    for text in ("Pyotr Sidorov", "his lawyer advised him to say nothing"):
        assert text.casefold() in everything
    assert BANNER.casefold() in parts["docprops/core.xml".replace("docprops", "docProps")]
    with zipfile.ZipFile(docx) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        sect = body.find(f"{{{W}}}body/{{{W}}}sectPr")
        assert sect is not None
        ref = sect.find(f"{{{W}}}headerReference")
        assert ref is not None and ref.get(f"{{{W}}}type") == "default"
        r_id = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        target = next(r.get("Target") for r in rels if r.get("Id") == r_id)
        header = package.read(f"word/{target}").decode()
    assert BANNER in header
    # every page LibreOffice prints carries the header
    pdf = docx_to_pdf(docx, tmp_path)
    pages = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    assert all(BANNER in page for page in pages)


def test_edition_is_checked_by_the_command_line(sample: Path) -> None:
    code, _ = _build(sample, "--edition", "secret")
    assert code == 2
    assert _outputs(sample) == []


# --------------------------------------------------------------------------- the model


def test_confidential_source_without_redacted_is_an_error(sample: Path) -> None:
    bib = sample / "sources" / "library.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(re.sub(r"  redacted = \{.*\},\n", "", text), encoding="utf-8")
    code, stderr = _build(sample)
    assert code == 1
    assert re.search(
        r"library\.bib:\d+: error\[missing-redacted\] source 'witness-sidorov-2021'", stderr
    )
    assert _outputs(sample) == []


@pytest.mark.parametrize(
    "redacted", ["[Interview with Pyotr Sidorov]", "[Interview witness-sidorov-2021]"]
)
def test_redacted_text_that_names_the_source_is_an_error(sample: Path, redacted: str) -> None:
    bib = sample / "sources" / "library.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(re.sub(r"redacted = \{.*\},", f"redacted = {{{redacted}}},", text), "utf-8")
    code, stderr = _build(sample)
    assert code == 1
    assert "error[redacted-names-source] source 'witness-sidorov-2021'" in stderr
    assert _outputs(sample) == []


def test_confidential_claim_flag_must_be_true_or_false(sample: Path) -> None:
    report = sample / "reports" / SAMPLE / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("confidential: true", "confidential: maybe"),
        encoding="utf-8",
    )
    result = run_draft("check", sample / "reports" / SAMPLE)
    assert result.exit_code == 1
    assert re.search(
        r"report\.yaml:\d+:\d+: error\[wrong-type\] claim 'detainee-lawyer'", result.stderr
    )


def test_confidential_from_csl_json(sample: Path) -> None:
    """CSL-JSON carries `confidential` and `redacted` as keys or note lines, like BibTeX."""
    bib = sample / "sources" / "library.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text[: text.index("@misc{witness-sidorov-2021")], encoding="utf-8")
    (sample / "sources" / "witness.json").write_text(
        '[{"id": "witness-sidorov-2021", "type": "interview",\n'
        ' "author": [{"family": "Sidorov", "given": "Pyotr"}],\n'
        ' "title": "[Interview with Pyotr Sidorov]", "issued": {"date-parts": [[2021, 10, 20]]},\n'
        ' "note": "confidential: true\\nredacted: [Interview with a former detainee, name '
        "withheld for security reasons]\\nfile: archive/witness-sidorov-2021.txt\\n"
        'sha256: b9df01611cfaccc96307331d944c5311bb914e01c9a70056bb4387a9774234c5"}]\n',
        encoding="utf-8",
    )
    code, stderr = _build(sample)
    assert code == 0, stderr
    md = (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")
    assert REDACTED.strip("[]") in md and "sidorov" not in md.casefold()


# --------------------------------------------------------------------------- reference document

PERSON = "Jane Q. Reviewer"
TEMPLATE_URL = "http://templates.example.org/letterhead.dotm"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def _dirty_reference(target: Path) -> Path:
    """The shipped reference document plus everything a real one drags along, each naming
    a person: comments, a header and footer, custom XML, custom properties, an attached
    template at a URL, revision ids, and Word's own app.xml and core.xml."""
    src = zipfile.ZipFile(REPO / "templates" / "reference.docx")
    parts = {n: src.read(n).decode("utf-8") for n in src.namelist()}
    types = parts["[Content_Types].xml"].replace(
        "</Types>",
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.comments+xml"/>'
        '<Override PartName="/word/header9.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/word/footer9.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footer+xml"/>'
        '<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.customXmlProperties+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.custom-properties+xml"/>'
        '<Default Extension="bin" ContentType="application/octet-stream"/></Types>',
    )
    if 'Extension="xml"' not in types:
        types = types.replace(
            "</Types>", '<Default Extension="xml" ContentType="application/xml"/></Types>'
        )
    parts["[Content_Types].xml"] = types
    parts["word/comments.xml"] = (
        f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="{PERSON}" w:initials="JQR">'
        f"<w:p><w:r><w:t>Ask {PERSON} first</w:t></w:r></w:p></w:comment></w:comments>"
    )
    for kind in ("header", "footer"):
        tag = "hdr" if kind == "header" else "ftr"
        parts[f"word/{kind}9.xml"] = (
            f'<w:{tag} xmlns:w="{W}"><w:p><w:r><w:t>Drafted by {PERSON}</w:t></w:r></w:p></w:{tag}>'
        )
    parts["customXml/item1.xml"] = f"<reviewer>{PERSON}</reviewer>"
    parts["customXml/itemProps1.xml"] = (
        '<ds:datastoreItem ds:itemID="{00000000-0000-0000-0000-000000000001}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
    )
    parts["customXml/_rels/item1.xml.rels"] = (
        f'<Relationships xmlns="{PR}"><Relationship Id="rId1" Type="{R}/customXmlProps" '
        'Target="itemProps1.xml"/></Relationships>'
    )
    parts["docProps/custom.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
        'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Reviewer">'
        f"<vt:lpwstr>{PERSON}</vt:lpwstr></property></Properties>"
    )
    parts["docProps/app.xml"] = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        'properties"><Template>Normal.dotm</Template><Pages>1</Pages><Words>0</Words>'
        f"<Application>Microsoft Macintosh Word</Application><Company>{PERSON}</Company>"
        "<AppVersion>14.0000</AppVersion></Properties>"
    )
    parts["docProps/core.xml"] = re.sub(
        r"<dc:creator>.*?</dc:creator>|<dc:creator/>",
        f"<dc:creator>{PERSON}</dc:creator>",
        parts["docProps/core.xml"],
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        "</Relationships>",
        f'<Relationship Id="rId90" Type="{R}/custom-properties" Target="docProps/custom.xml"/>'
        "</Relationships>",
    )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        "</Relationships>",
        f'<Relationship Id="rId91" Type="{R}/comments" Target="comments.xml"/>'
        f'<Relationship Id="rId92" Type="{R}/header" Target="header9.xml"/>'
        f'<Relationship Id="rId93" Type="{R}/footer" Target="footer9.xml"/>'
        f'<Relationship Id="rId94" Type="{R}/customXml" Target="../customXml/item1.xml"/>'
        f'<Relationship Id="rId95" Type="{R}/hyperlink" Target="http://example.org/{PERSON}" '
        'TargetMode="External"/></Relationships>',
    )
    parts["word/_rels/settings.xml.rels"] = (
        f'<Relationships xmlns="{PR}"><Relationship Id="rId1" Type="{R}/attachedTemplate" '
        f'Target="{TEMPLATE_URL}" TargetMode="External"/></Relationships>'
    )
    settings = parts["word/settings.xml"]
    head = settings.index(">", settings.index("<w:settings")) + 1
    parts["word/settings.xml"] = (
        settings[:head]
        + '<w:attachedTemplate r:id="rId1" xmlns:r="'
        + R
        + '"/>'
        + settings[head:].replace(
            "</w:settings>",
            '<w:docVars><w:docVar w:name="owner" w:val="' + PERSON + '"/></w:docVars>'
            '<w:rsids><w:rsidRoot w:val="00AB12CD"/></w:rsids></w:settings>',
        )
    )
    document = parts["word/document.xml"]
    parts["word/document.xml"] = document.replace(
        "<w:sectPr",
        f"<w:p><w:r><w:t>{PERSON} wrote this sample page</w:t></w:r></w:p><w:sectPr",
        1,
    ).replace(
        "<w:pgSz",
        f'<w:headerReference w:type="default" r:id="rId92" xmlns:r="{R}"/>'
        f'<w:footerReference w:type="default" r:id="rId93" xmlns:r="{R}"/><w:titlePg/><w:pgSz',
        1,
    )
    with zipfile.ZipFile(target, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return target


def test_reference_document_contributes_styles_only(sample: Path, tmp_path: Path) -> None:
    reference = _dirty_reference(tmp_path / "house.docx")
    import docx  # the dirty reference is itself a valid Word document

    assert PERSON in "".join(p.text for p in docx.Document(str(reference)).paragraphs)
    for edition in ("public", "internal"):
        code, stderr = _build(sample, "--reference-doc", str(reference), "--edition", edition)
        assert code == 0, stderr
        stem = SAMPLE if edition == "public" else f"{SAMPLE}.internal"
        built = sample / "build" / f"{stem}.docx"
        parts = _parts(built)
        for name, content in parts.items():
            for text in (PERSON, TEMPLATE_URL, "example.org", "Macintosh", "Normal.dotm", "rsid"):
                assert text.casefold() not in content, (edition, name, text)
        names = set(parts)
        assert not {n for n in names if re.search(r"comments|custom\.xml", n)}
        # the only footer is draft's own page number, never the reference document's
        assert {n for n in names if "footer" in n} == {"word/footer1.xml"}
        assert (
            "page" in parts["word/footer1.xml"]
            and PERSON.casefold() not in parts["word/footer1.xml"]
        )
        # the only custom XML is draft's own claim manifest (for draft verify)
        custom = [parts[n] for n in names if re.fullmatch(r"customXml/item\d+\.xml", n)]
        assert len(custom) == 1 and "urn:x-draft:manifest:1" in custom[0]
        headers = {n for n in names if "header" in n}
        assert headers == (set() if edition == "public" else {"word/header1.xml"})
        assert "<application>draft</application>" in parts["docProps/app.xml"]
        assert "<pages>" not in parts["docProps/app.xml"]
        assert "<words>" not in parts["docProps/app.xml"]
        assert "<dc:creator>example rights monitor</dc:creator>" in parts["docProps/core.xml"]
        assert "<cp:lastmodifiedby>example rights monitor" in parts["docProps/core.xml"]
        assert "2021-11-25t00:00:00z" in parts["docProps/core.xml"]
        # the styles still came from the reference document
        assert 'w:styleid="footnotetext"' in parts["word/styles.xml"]
    # pandoc still reads the result as a Word document with its footnotes
    pandoc = require_tool("pandoc")
    subprocess.run(
        [pandoc, "-f", "docx", "-t", "plain", str(built)], check=True, capture_output=True
    )


def _variant(target: Path, replace: dict[str, bytes | None]) -> Path:
    src = zipfile.ZipFile(REPO / "templates" / "reference.docx")
    with zipfile.ZipFile(target, "w") as package:
        for name in src.namelist():
            data = replace.get(name, src.read(name))
            if data is not None:
                package.writestr(name, data)
    return target


# (how the reference document is broken, what the message must say)
BAD_REFERENCES: list[tuple[str, dict[str, bytes | None], str]] = [
    ("not-a-zip", {}, "not a zip package"),
    ("no-document", {"word/document.xml": None}, "has no word/document.xml"),
    (
        "broken-styles",
        {"word/styles.xml": b"<w:styles><w:style"},
        "word/styles.xml is not well-formed",
    ),
    ("styles-wrong-root", {"word/styles.xml": b"<foo/>"}, "word/styles.xml holds <foo>"),
    ("settings-wrong-root", {"word/settings.xml": b"<foo/>"}, "word/settings.xml holds <foo>"),
    ("core-wrong-root", {"docProps/core.xml": b"<foo/>"}, "docProps/core.xml holds <foo>"),
    (
        "document-without-body",
        {"word/document.xml": f'<w:document xmlns:w="{W}"/>'.encode()},
        "no body",
    ),
]


@pytest.mark.parametrize(
    ("name", "replace", "message"), BAD_REFERENCES, ids=[b[0] for b in BAD_REFERENCES]
)
def test_malformed_reference_document_is_a_located_problem(
    sample: Path, tmp_path: Path, name: str, replace: dict[str, bytes | None], message: str
) -> None:
    reference = tmp_path / f"{name}.docx"
    if name == "not-a-zip":
        reference.write_text("this is not a Word document\n", encoding="utf-8")
    else:
        _variant(reference, replace)
    code, stderr = _build(sample, "--reference-doc", str(reference))
    assert code == 1
    assert f"{name}.docx: error[bad-reference-doc]" in stderr
    assert message in stderr
    assert "Traceback" not in stderr
    assert _outputs(sample) == []


def test_long_title_is_cut_in_the_properties_only(sample: Path) -> None:
    title = "A conveyor belt of torture " + "and more " * 40 + "END"
    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("title: A conveyor belt of torture", f"title: {title}")
        .replace("organisation: Example Rights Monitor", "organisation: " + "Rights " * 50)
        .replace("subtitle: Leaked", "subtitle: " + "Long " * 60 + "Leaked"),
        encoding="utf-8",
    )
    code, stderr = _build(sample, "--ignore", "unhedged-allegation")
    assert code == 0, stderr
    with zipfile.ZipFile(sample / "build" / f"{SAMPLE}.docx") as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
        body = "".join(
            str(t) for t in etree.fromstring(package.read("word/document.xml")).itertext()
        )
    for element in core:
        assert len(element.text or "") <= 255
    assert title in body


# --------------------------------------------------------------------------- the public audit


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_public_audit_names_no_confidential_source(sample: Path, fmt: str) -> None:
    bib = sample / "sources" / "library.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "origin = {gulagu-net},", "origin = {gulagu-net, witness-sidorov-2021},"
        ),
        encoding="utf-8",
    )
    args = ("check", sample / "reports" / SAMPLE, "--format", fmt)
    internal = run_draft(*args)
    if fmt != "text":  # text names only sources with problems, and the witness has none
        assert "witness-sidorov-2021" in internal.stdout + internal.stderr  # default: all
    result = run_draft(*args, "--edition", "public")
    assert result.exit_code == 0, result.stderr
    printed = result.stdout + result.stderr
    for text in WITNESS:
        assert text.casefold() not in printed.casefold(), text
    assert "detainee-lawyer" not in printed
    if fmt != "text":
        assert "a confidential source" in printed
    if fmt == "json":
        import json

        claims = {c["id"]: c for c in json.loads(result.stdout)["claims"]}
        origins = [key for group in claims["leaked-footage"]["origins"] for key in group]
        assert "a confidential source" in origins and "gulagu-net" in origins


def test_public_audit_that_would_leak_prints_nothing(sample: Path) -> None:
    report = sample / "reports" / SAMPLE / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("      A former detainee", "      Sidorov"),
        encoding="utf-8",
    )
    result = run_draft(
        "check", sample / "reports" / SAMPLE, "--format", "markdown", "--edition", "public"
    )
    assert result.exit_code == 1
    assert "error[confidential-leak]" in result.stderr
    assert result.stdout == ""


def test_format_characters_cover_unicode_category_cf() -> None:
    import sys
    import unicodedata

    from drafting.output.leaks import FORMAT_RANGES

    covered = {c for low, high in FORMAT_RANGES for c in range(low, high + 1)}
    missing = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and c not in covered
    ]
    assert missing == []


def test_public_audit_hides_a_quote_taken_through_a_confidential_source(sample: Path) -> None:
    """A source known only through the witness ("X, quoted in" the interview) repeats the
    witness's words: the public audit must drop that quote as the public brief does."""
    import json

    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    extra = (
        "      - key: gulagu-net\n"
        "        quoted_in: witness-sidorov-2021\n"
        "        quote: The guards took the phones of everyone in my ward\n"
        "        locator: para. 3\n"
    )
    anchor = "        quote: I saw an orderly carry a video recorder into the treatment room.\n"
    anchor += "        locator: para. 4\n"
    assert anchor in text
    report.write_text(text.replace(anchor, anchor + extra, 1), encoding="utf-8")
    args = ("check", report.parent, "--format", "json")
    internal = json.loads(run_draft(*args).stdout)
    assert "The guards took the phones" in json.dumps(internal)
    result = run_draft(*args, "--edition", "public")
    assert result.exit_code == 0, result.stderr
    assert "the phones of everyone" not in result.stdout


def test_public_audit_keeps_no_reading_of_a_confidential_quote(sample: Path) -> None:
    """An elided quote's editorial reading repeats the words left out: not in public."""
    import json

    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    whole = "quote: I saw an orderly carry a video recorder into the treatment room."
    assert whole in text
    report.write_text(
        text.replace(whole, "quote: I saw an orderly [...] into the treatment room.", 1),
        encoding="utf-8",
    )
    args = ("check", report.parent, "--format", "json")
    assert "carry a video recorder" in run_draft(*args).stdout  # the internal audit shows it
    public = run_draft(*args, "--edition", "public")
    assert public.exit_code == 0, public.stderr
    assert "carry a video recorder" not in public.stdout
    for claim in json.loads(public.stdout)["claims"]:
        for citation in claim["citations"]:
            if citation["key"] == "a confidential source":
                assert not citation["editorial"] and not citation["passage"], citation
