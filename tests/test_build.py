"""End to end: the sample brief and the issue's example build, and refuse bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import SAMPLE, run_draft

from drafting.load.claims import load_report
from drafting.load.workspace import find_workspace


def test_sample_builds_both_formats(sample: Path) -> None:
    result = run_draft("build", sample / "reports" / SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert (sample / "build" / f"{SAMPLE}.md").is_file()
    assert (sample / "build" / f"{SAMPLE}.docx").is_file()


def test_sample_has_one_footnote_per_claim(sample: Path) -> None:
    run_draft("build", sample / "reports" / SAMPLE)
    report_dir = sample / "reports" / SAMPLE
    report = load_report(report_dir, find_workspace(report_dir))
    parts = [p for s in report.sections for para in s.paragraphs for p in para if hasattr(p, "id")]
    used = [p for p in parts if not report.claims[p.id].confidential]  # public edition
    assert len(used) >= 12
    markdown = (sample / "build" / f"{SAMPLE}.md").read_text()
    definitions = [line for line in markdown.splitlines() if line.startswith("[^")]
    assert len(definitions) == len(used)
    with zipfile.ZipFile(sample / "build" / f"{SAMPLE}.docx") as package:
        footnotes = package.read("word/footnotes.xml").decode()
        body = package.read("word/document.xml").decode()
    assert body.count("<w:footnoteReference ") == len(used)
    assert footnotes.count("<w:footnoteRef/>") == len(used)


def test_example_from_the_issue_builds_exactly_as_written(example: Path) -> None:
    result = run_draft("build", example / "reports" / "example")
    assert result.exit_code == 0, result.stderr
    text = (example / "build" / "example.md").read_text()
    assert "Leaked video footage shows the torture and sexual abuse" in text
    assert "[^1]: \\[News report on leaked videos of torture" in text
    assert "para. 3." in text


def test_format_option_writes_only_that_format(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_draft("build", example / "reports" / "example", "--format", "md", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".draft-manifest.json", "example.md"]


def test_docx_core_properties_and_no_python_docx_traces(example: Path) -> None:
    run_draft("build", example / "reports" / "example")
    path = example / "build" / "example.docx"
    props = docx.Document(str(path)).core_properties
    assert props.title == "A conveyor belt of torture"
    assert props.author == "Example Rights Monitor"
    assert props.created is not None and props.created.date().isoformat() == "2021-11-25"
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        blob = b"".join(package.read(n) for n in names)
    assert not any("thumbnail" in n for n in names)
    assert b"python-docx" not in blob


def test_docx_has_footnote_styles_and_separators(example: Path) -> None:
    run_draft("build", example / "reports" / "example")
    with zipfile.ZipFile(example / "build" / "example.docx") as package:
        styles = package.read("word/styles.xml").decode()
        notes = package.read("word/footnotes.xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert 'w:styleId="FootnoteText"' in styles and 'w:styleId="FootnoteReference"' in styles
    assert 'w:type="separator" w:id="-1"' in notes
    assert 'w:type="continuationSeparator" w:id="0"' in notes
    assert "relationships/footnotes" in rels


def test_reference_doc_option_takes_styles_from_another_document(
    example: Path, tmp_path: Path
) -> None:
    reference = tmp_path / "house.docx"
    house = docx.Document()
    house.styles["Title"].font.name = "House Serif"
    house.save(str(reference))
    result = run_draft("build", example / "reports" / "example", "--reference-doc", reference)
    assert result.exit_code == 0, result.stderr
    built = docx.Document(str(example / "build" / "example.docx"))
    assert built.styles["Title"].font.name == "House Serif"
    with zipfile.ZipFile(example / "build" / "example.docx") as package:
        assert "word/footnotes.xml" in package.namelist()
        assert not any("thumbnail" in n for n in package.namelist())


def test_two_builds_give_identical_bytes(example: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    run_draft("build", example / "reports" / "example", "--out", first)
    run_draft("build", example / "reports" / "example", "--out", second)
    for name in ("example.docx", "example.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("edit", "code", "line"),
    [
        (
            (
                "    sources:\n      - key: saratov-leak-2021\n"
                "        quote: 18 prison officers have now been fired\n",
                "",
            ),
            "unsourced-claim",
            19,
        ),
        (
            ("- key: saratov-leak-2021     #", "- key: saratov-leak-2012     #"),
            "unknown-source",
            16,
        ),
        (
            ("[leaked-footage, officers-fired]", "[leaked-footage, officers-fried]"),
            "undefined-claim",
            9,
        ),
    ],
)
def test_unattributed_assertions_do_not_build(
    example: Path, edit: tuple[str, str], code: str, line: int
) -> None:
    report = example / "reports" / "example" / "report.yaml"
    _replace(report, *edit)
    result = run_draft("build", example / "reports" / "example")
    assert result.exit_code == 1
    assert f"report.yaml:{line}:" in result.stderr
    assert f"error[{code}]" in result.stderr
    assert "claim '" in result.stderr
    assert not (example / "build").exists(), "nothing may be written when the build is refused"


def test_all_problems_are_reported_together(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    _replace(report, "- key: saratov-leak-2021     #", "- key: nowhere     #")
    _replace(report, "[leaked-footage, officers-fired]", "[leaked-footage, officers-fried]")
    result = run_draft("build", example / "reports" / "example")
    assert "error[unknown-source]" in result.stderr
    assert "error[undefined-claim]" in result.stderr
    assert result.stderr.count("error[") == 2


def test_docx_bytes_are_a_valid_zip_package(example: Path) -> None:
    run_draft("build", example / "reports" / "example")
    data = (example / "build" / "example.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert package.namelist()[0] == "[Content_Types].xml"


def test_forbidden_xml_characters_are_replaced_and_reported(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    _replace(
        report,
        "    text: Eighteen prison officers were dismissed after the first videos were published.",
        '    text: "Eighteen prison\\v officers were dismissed after the first videos were '
        'published."',
    )
    bib = example / "sources" / "library.bib"
    _replace(bib, "[News report on", "[News\x00 report on")
    result = run_draft("build", example / "reports" / "example")
    assert result.exit_code == 0, result.stderr
    assert "report.yaml:20:11: warning[forbidden-character]" in result.stderr
    assert "U+000B" in result.stderr and "delete it from the text" in result.stderr
    assert "library.bib:3: warning[forbidden-character]" in result.stderr
    assert "U+0000" in result.stderr and "delete it from the entry" in result.stderr
    markdown = (example / "build" / "example.md").read_text()
    assert "Eighteen prison\ufffd officers" in markdown
    assert "[News\ufffd report on" in markdown.replace("\\", "")
    with zipfile.ZipFile(example / "build" / "example.docx") as package:
        assert "prison\ufffd officers" in package.read("word/document.xml").decode()
