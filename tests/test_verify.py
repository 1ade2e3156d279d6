"""`draft verify`: a built brief is edited (as Word, LibreOffice or a reviewer would), and
verify reports exactly those edits, by claim id. Real files in temporary folders."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SAMPLE, require_tool, run_draft
from lxml import etree

from drafting.writers.docx import bookmark_name

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
Parts = dict[str, bytes]


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def built(sample: Path) -> Path:
    """The sample brief, built into the sample workspace's build/."""
    result = run_draft("build", sample / "reports" / SAMPLE, "--format", "docx")
    assert result.exit_code == 0, result.stderr
    return sample / "build" / f"{SAMPLE}.docx"


def read_parts(path: Path) -> Parts:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def write_parts(path: Path, parts: Parts) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def edit(source: Path, target: Path, change: Callable[[Any, Parts], None]) -> Path:
    """Copy `source` to `target`, letting `change` edit word/document.xml (and other parts)."""
    parts = read_parts(source)
    body = etree.fromstring(parts["word/document.xml"])
    change(body, parts)
    parts["word/document.xml"] = etree.tostring(body, xml_declaration=True, encoding="UTF-8")
    return write_parts(target, parts)


def el(tag: str, text: str | None = None, **attrs: str) -> Any:
    node = etree.Element(W + tag, {W + k: v for k, v in attrs.items()})
    if text is not None:
        node.text = text
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return node


def run(text: str) -> Any:
    r = el("r")
    r.append(el("t", text))
    return r


def start_of(body: Any, claim_id: str) -> Any:
    name = bookmark_name(claim_id)
    return next(b for b in body.iter(W + "bookmarkStart") if b.get(W + "name") == name)


def claim_run(body: Any, claim_id: str) -> Any:
    """The run holding the claim's words (builds write one run per plain claim)."""
    return start_of(body, claim_id).getnext()


def note_run(body: Any, claim_id: str) -> Any:
    """The run with the claim's footnote reference, right after its bookmark end."""
    end = claim_run(body, claim_id).getnext()
    assert end.tag == W + "bookmarkEnd"
    return end.getnext()


def verify(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run_draft("verify", *args, "--format", "json")
    assert result.stderr == "" or result.exit_code == 1, result.stderr
    return result.exit_code, json.loads(result.stdout)


def changed(data: dict[str, Any]) -> dict[str, list[str]]:
    """claim id -> its changes, for the claims that have any (plus "pending")."""
    out = {}
    for claim in data["claims"]:
        marks = list(claim["changes"]) + (["pending"] if claim["pending"] else [])
        if marks:
            out[claim["id"]] = marks
    return out


# --------------------------------------------------------------------------- build side


def test_every_claim_is_bookmarked_and_listed_in_the_manifest(built: Path) -> None:
    parts = read_parts(built)
    body = parts["word/document.xml"].decode()
    manifest = etree.fromstring(parts["customXml/item1.xml"])
    claims = manifest.findall("{urn:x-draft:manifest:1}claim")
    assert len(claims) == 21  # the public edition: 22 claims, one confidential
    for claim in claims:
        name = claim.get("bookmark")
        assert name == bookmark_name(claim.get("id") or "")
        assert f'w:name="{name}"' in body
        assert len(name) <= 40 and name[0].isalpha() and name.replace("_", "a").isalnum()
    assert manifest.get("report") == SAMPLE and manifest.get("built") == "2021-11-25"
    rels = parts["word/_rels/document.xml.rels"].decode()
    assert 'relationships/customXml" Target="../customXml/item1.xml"' in rels
    assert b"customXmlProperties+xml" in parts["[Content_Types].xml"]


@pytest.mark.parametrize(
    "claim_id",
    ["a", "leaked-footage", "x" * 60, "ünïcödé-claim", "9-starts-with-digit", "a_b", "a-b"],
)
def test_bookmark_names_follow_words_rules(claim_id: str) -> None:
    name = bookmark_name(claim_id)
    assert len(name) <= 40 and name[0].isalpha()
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in name)


def test_ids_that_differ_only_in_punctuation_get_different_bookmarks() -> None:
    assert bookmark_name("a-b") != bookmark_name("a_b")
    assert bookmark_name("x" * 60) != bookmark_name("x" * 61)


def test_build_with_manifest_is_byte_reproducible(sample: Path, tmp_path: Path) -> None:
    for out in ("one", "two"):
        result = run_draft("build", sample / "reports" / SAMPLE, "--out", tmp_path / out)
        assert result.exit_code == 0, result.stderr
    one = (tmp_path / "one" / f"{SAMPLE}.docx").read_bytes()
    assert one == (tmp_path / "two" / f"{SAMPLE}.docx").read_bytes()


# --------------------------------------------------------------------------- verify


def test_unedited_build_verifies_clean(built: Path) -> None:
    code, data = verify(built)
    assert code == 0
    assert changed(data) == {} and data["added"] == [] and data["pending"] == 0
    assert {c["status"] for c in data["claims"]} == {"unchanged"}
    assert len(data["claims"]) == 21


NEW_SENTENCE = "The prison service has since changed its rules."
REVIEWER_CHANGES = {
    "officers-fired": ["edited"],
    "video-source": ["footnote-removed"],
    "four-more-prisons": ["missing"],
    "conveyor-belt": ["edited", "pending"],
    "instructions": ["edited", "pending"],
}


def reviewer_edits(body: Any, parts: Parts) -> None:
    """What a round of review in Word does to the brief, written as Word writes it."""
    # reword a claim (an edit accepted long ago: plain text)
    r = claim_run(body, "officers-fired")
    r.find(W + "t").text = r.find(W + "t").text.replace("eighteen", "twenty")
    # delete a footnote
    delete_note(body, parts, "video-source")
    # delete a claim: bookmark, words and footnote
    delete_note(body, parts, "four-more-prisons")
    start = start_of(body, "four-more-prisons")
    for node in [start.getnext(), start.getnext().getnext(), start]:
        node.getparent().remove(node)
    # a new paragraph without a source, after the Findings' first paragraph
    paragraph = el("p")
    paragraph.append(run(NEW_SENTENCE))
    start_of(body, "video-source").getparent().addnext(paragraph)
    # a tracked insertion inside one claim, a tracked deletion inside another
    ins = el("ins", id="901", author="Reviewer", date="2026-01-01T00:00:00Z")
    ins.append(run("Reportedly, "))
    start_of(body, "conveyor-belt").addnext(ins)
    target = claim_run(body, "instructions")
    first, rest = target.find(W + "t").text.split(" ", 1)
    target.find(W + "t").text = rest
    deletion = el("del", id="902", author="Reviewer", date="2026-01-01T00:00:00Z")
    deleted_run = el("r")
    deleted_run.append(el("delText", first + " "))
    deletion.append(deleted_run)
    target.addprevious(deletion)
    # a comment on a claim
    add_comment(body, parts, "blackmail", "Is there a second source?")


def delete_note(body: Any, parts: Parts, claim_id: str) -> None:
    """As Word deletes a footnote: its mark from the body, its text from footnotes.xml (an
    orphan note left behind makes LibreOffice give later marks the wrong texts)."""
    ref = note_run(body, claim_id)
    ref.getparent().remove(ref)
    notes = etree.fromstring(parts["word/footnotes.xml"])
    note_id = ref.find(W + "footnoteReference").get(W + "id")
    notes.remove(next(n for n in notes if n.get(W + "id") == note_id))
    parts["word/footnotes.xml"] = etree.tostring(notes)


def add_comment(body: Any, parts: Parts, claim_id: str, text: str) -> None:
    """A comment spanning the claim, with its mark after the claim's footnote, as Word does."""
    start_of(body, claim_id).addprevious(el("commentRangeStart", id="5"))
    end = claim_run(body, claim_id).getnext()
    end.addnext(el("commentRangeEnd", id="5"))
    ref = el("r")
    ref.append(el("commentReference", id="5"))
    end.getnext().addnext(ref)
    parts["word/comments.xml"] = (
        f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="5" w:author="Ana Reviewer" '
        f'w:date="2026-01-02T00:00:00Z"><w:p><w:r><w:t>{text}</w:t>'
        "</w:r></w:p></w:comment></w:comments>"
    ).encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/comments" Target="comments.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.comments+xml"/></Types>',
    ).encode()


def test_edits_are_reported_exactly_by_claim_id(built: Path, tmp_path: Path) -> None:
    code, data = verify(edit(built, tmp_path / "edited.docx", reviewer_edits))
    assert code == 1
    assert changed(data) == REVIEWER_CHANGES
    claims = {c["id"]: c for c in data["claims"]}
    assert claims["officers-fired"]["diff"].count("[-eighteen-] {+twenty+}") == 1
    assert claims["conveyor-belt"]["text"].startswith("Reportedly, Osechkin described")
    assert claims["instructions"]["text"] == claims["instructions"]["built_text"].split(" ", 1)[1]
    assert [(a["kind"], a["text"]) for a in data["added"]] == [("unattributed", NEW_SENTENCE)]
    assert data["pending"] == 2
    assert [(c["claims"], c["text"]) for c in data["comments"]] == [
        (["blackmail"], "Is there a second source?")
    ]


def test_text_format_names_each_claim_and_the_adoption_yaml(sample: Path, built: Path) -> None:
    def change(body: Any, parts: Parts) -> None:
        t = claim_run(body, "officers-fired").find(W + "t")
        t.text = t.text.replace("eighteen", "twenty")

    edited = edit(built, sample / "edited.docx", change)
    result = run_draft("verify", edited, sample / "reports" / SAMPLE)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any("edited: claim 'officers-fired': reworded: " in line for line in lines)
    assert "[-eighteen-] {+twenty+}" in result.stdout
    # the YAML to adopt the wording, located, and what was checked on it
    assert "To adopt the new wording of 'officers-fired', replace its text" in result.stdout
    yaml_lines = (sample / "reports" / SAMPLE / "report.yaml").read_text().splitlines()
    line = yaml_lines.index("  officers-fired:") + 1  # where the claim's text is defined
    assert f"reports/saratov-otb1/report.yaml:{line})" in result.stdout
    start = lines.index(next(line for line in lines if line.startswith("To adopt")))
    snippet = "\n".join(line[4:] for line in lines[start + 1 :] if line.startswith("    "))
    adopted = yaml.safe_load(snippet)
    assert adopted["officers-fired"]["text"].startswith("According to EuroNews, as reported")
    assert "twenty prison officers" in adopted["officers-fired"]["text"]
    assert "quote from 'saratov-leak-2021' (exact in its snapshot)" in result.stdout
    assert lines[-1].endswith("Needs review.")


def test_alleged_claim_losing_its_attribution_is_flagged(example: Path) -> None:
    assert run_draft("build", example / "reports" / "example").exit_code == 0
    built = example / "build" / "example.docx"

    def change(body: Any, parts: Parts) -> None:
        claim_run(body, "leaked-footage").find(W + "t").text = "Prisoners were tortured."

    edited = edit(built, example / "edited.docx", change)
    code, data = verify(edited, example / "reports" / "example")
    assert code == 1
    claim = next(c for c in data["claims"] if c["id"] == "leaked-footage")
    assert claim["changes"] == ["edited"] and claim["hedge_lost"] is True
    assert claim["quotes"][0]["carried_after"] < claim["quotes"][0]["carried_before"]


def test_moved_and_footnote_changed(built: Path, tmp_path: Path) -> None:
    def change(body: Any, parts: Parts) -> None:
        # swap the two paragraphs of the Findings section that hold these claims
        first = start_of(body, "video-source").getparent()
        second = start_of(body, "conveyor-belt").getparent()
        second.addnext(first)
        notes = etree.fromstring(parts["word/footnotes.xml"])
        ref_id = note_run(body, "eight-men").find(W + "footnoteReference").get(W + "id")
        note = next(n for n in notes if n.get(W + "id") == ref_id)
        last = note.findall(f".//{W}t")[-1]
        last.text = (last.text or "") + " See also page 9."
        parts["word/footnotes.xml"] = etree.tostring(notes)

    code, data = verify(edit(built, tmp_path / "moved.docx", change))
    assert code == 1
    assert changed(data) == {
        "video-source": ["moved"],
        "savelyev-copied": ["moved"],
        "four-more-prisons": ["moved"],
        "eight-men": ["footnote-changed"],
    }


def test_comments_are_listed_with_their_claim(built: Path, tmp_path: Path) -> None:
    def change(body: Any, parts: Parts) -> None:
        add_comment(body, parts, "blackmail", "Is there a second source?")

    code, data = verify(edit(built, tmp_path / "commented.docx", change))
    assert code == 0  # a comment alone changes nothing the brief says
    assert data["comments"] == [
        {
            "id": "5",
            "author": "Ana Reviewer",
            "date": "2026-01-02T00:00:00Z",
            "text": "Is there a second source?",
            "claims": ["blackmail"],
            "anchor": next(c["text"] for c in data["claims"] if c["id"] == "blackmail"),
        }
    ]


def test_fact_base_changed_since_the_build_says_which_side(sample: Path, built: Path) -> None:
    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("a former prisoner", "an ex-prisoner"), encoding="utf-8")
    before = read_parts(built)
    code, data = verify(built, sample / "reports" / SAMPLE)
    assert code == 1
    assert read_parts(built) == before  # verify writes nothing
    claim = next(c for c in data["claims"] if c["id"] == "video-source")
    assert claim["changes"] == [] and claim["fact_base"] == "changed"
    assert claim["side"] == "fact base" and "an ex-prisoner" in claim["current_text"]
    assert changed(data) == {}
    assert report.read_text(encoding="utf-8") != text  # and the YAML is left as the user wrote


def test_sentences_added_inside_paragraphs_and_edited_organisation_text(
    built: Path, tmp_path: Path
) -> None:
    def change(body: Any, parts: Parts) -> None:
        # a sentence typed after a claim's footnote, in the claim's paragraph
        note_run(body, "officers-fired").addnext(run(" Nobody has denied this."))
        # organisation text reworded (the paragraph after the Summary's claims)
        org = start_of(body, "leaked-footage").getparent().getnext()
        t = org.find(f"{W}r/{W}t")
        t.text = t.text.replace("independent, effective", "prompt")
        # a sentence with a footnote made by hand: a footnote, but not a claim's
        notes = etree.fromstring(parts["word/footnotes.xml"])
        note = el("footnote", id="77")
        note_p = el("p")
        note_p.append(run("A conversation with a guard."))
        note.append(note_p)
        notes.append(note)
        parts["word/footnotes.xml"] = etree.tostring(notes)
        reference = el("r")
        reference.append(el("footnoteReference", id="77"))
        paragraph = el("p")
        paragraph.extend([run("Guards were told to film everything."), reference])
        start_of(body, "asylum").getparent().addnext(paragraph)

    code, data = verify(edit(built, tmp_path / "added.docx", change))
    assert code == 1 and changed(data) == {}
    assert [(a["kind"], a["text"], a["note"]) for a in data["added"]] == [
        ("unattributed", "Nobody has denied this.", ""),
        (
            "unattributed",
            "The Saratov footage requires an prompt investigation, and the people who exposed "
            "it need protection, not prosecution.",
            "",
        ),
        ("unlinked", "Guards were told to film everything.", "A conversation with a guard."),
    ]


def test_a_claim_placed_twice_is_tracked_in_each_place(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    text = report.read_text(encoding="utf-8")
    twice = text.replace(
        "      - [leaked-footage, officers-fired]",
        "      - [leaked-footage, officers-fired]\n      - [officers-fired]",
    )
    report.write_text(twice, encoding="utf-8")
    assert run_draft("build", example / "reports" / "example").exit_code == 0
    built = example / "build" / "example.docx"

    def change(body: Any, parts: Parts) -> None:
        second = [
            b for b in body.iter(W + "bookmarkStart") if "officers_fired" in b.get(W + "name")
        ][1]
        t = second.getnext().find(W + "t")
        t.text = t.text.replace("Eighteen", "Nineteen")

    code, data = verify(edit(built, example / "e.docx", change), example / "reports" / "example")
    assert code == 1
    assert [(c["id"], c["changes"]) for c in data["claims"]] == [
        ("leaked-footage", []),
        ("officers-fired", []),
        ("officers-fired", ["edited"]),
    ]


def test_style_option_matches_a_brief_built_with_another_style(sample: Path) -> None:
    report = sample / "reports" / SAMPLE
    assert run_draft("build", report, "--style", "oscola").exit_code == 0
    built = sample / "build" / f"{SAMPLE}.docx"
    code, data = verify(built, report)
    assert code == 1 and {c["fact_base"] for c in data["claims"]} == {"changed"}
    code, data = verify(built, report, "--style", "oscola")
    assert code == 0 and {c["fact_base"] for c in data["claims"]} == {""}


def test_another_reports_folder_is_refused(built: Path, example: Path) -> None:
    result = run_draft("verify", built, example / "reports" / "example")
    assert result.exit_code == 1
    assert "error[report-mismatch]" in result.stderr
    assert "built from report 'saratov-otb1', not 'example'" in result.stderr


def test_a_lost_bookmark_is_found_by_its_words(built: Path, tmp_path: Path) -> None:
    def change(body: Any, parts: Parts) -> None:
        start = start_of(body, "prosecuted")
        start.getnext().getnext().getparent().remove(start.getnext().getnext())  # bookmarkEnd
        start.getparent().remove(start)

    code, data = verify(edit(built, tmp_path / "lost.docx", change))
    claim = next(c for c in data["claims"] if c["id"] == "prosecuted")
    assert claim["found_by_words"] is True and claim["changes"] == []
    assert code == 0 and data["added"] == []


@pytest.mark.parametrize("fmt", ["markdown", "github", "text"])
def test_other_formats(built: Path, tmp_path: Path, fmt: str) -> None:
    def change(body: Any, parts: Parts) -> None:
        paragraph = el("p")
        paragraph.append(run("A new, unsourced line: 100% sure."))
        start_of(body, "asylum").getparent().addnext(paragraph)

    result = run_draft("verify", edit(built, tmp_path / "e.docx", change), "--format", fmt)
    assert result.exit_code == 1
    if fmt == "github":
        assert result.stdout.splitlines()[0].startswith("::warning file=")
        assert "title=unattributed%3A paragraph" in result.stdout
        assert "100%25 sure" in result.stdout
    elif fmt == "markdown":
        assert "| `asylum` | unchanged |  |" in result.stdout
        assert "| unattributed | A new, unsourced line: 100% sure. |" in result.stdout
    else:
        assert "unattributed: paragraph" in result.stdout


def test_markdown_report_keeps_document_text_inert(sample: Path, built: Path) -> None:
    """Words typed in Word are data in the review: no markup, HTML or early-closed fence."""

    def change(body: Any, parts: Parts) -> None:
        t = claim_run(body, "asylum").find(W + "t")
        t.text = "He *was* <b>granted</b> | asylum ``` in `France`."

    edited = edit(built, sample / "e.docx", change)
    result = run_draft("verify", edited, sample / "reports" / SAMPLE, "--format", "markdown")
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("| `asylum`"))
    assert "\\*was\\*" in row and "&lt;b&gt;" in row and "\\|" in row and "<b>" not in row
    assert "````yaml" in result.stdout  # the fence outgrows the text's ```


def test_usage_errors_exit_2(built: Path) -> None:
    assert run_draft("verify").exit_code == 2
    assert run_draft("verify", built, "--format", "yaml").exit_code == 2


def test_docx_not_built_by_draft_is_refused(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Hello.")
    document.save(str(tmp_path / "plain.docx"))
    result = run_draft("verify", tmp_path / "plain.docx")
    assert result.exit_code == 1
    assert "error[no-manifest]" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- LibreOffice


def _soffice_docx(source: Path, out_dir: Path) -> Path:
    soffice = require_tool("soffice")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out_dir / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = out_dir / source.name
    assert result.is_file(), "LibreOffice did not write a .docx"
    return result


def test_libreoffice_round_trip_keeps_every_claim(built: Path, tmp_path: Path) -> None:
    saved = _soffice_docx(built, tmp_path / "lo")
    assert "customXml/item1.xml" in read_parts(saved)  # LibreOffice kept the manifest
    code, data = verify(saved)
    assert (code, changed(data), data["added"]) == (0, {}, [])

    # LibreOffice renumbers bookmarks; edit one claim in what it wrote, by bookmark name
    def change(body: Any, parts: Parts) -> None:
        t = start_of(body, "orderlies").getnext().find(W + "t")
        t.text = t.text.replace("orderlies", "guards")

    code, data = verify(edit(saved, tmp_path / "lo-edited.docx", change))
    assert code == 1
    assert changed(data) == {"orderlies": ["edited"]}
    assert all(c["changes"] == [] for c in data["claims"] if c["id"] != "orderlies")


def test_libreoffice_round_trip_keeps_a_reviewers_edits(built: Path, tmp_path: Path) -> None:
    """Edited (with tracked changes and a comment), then opened and saved by LibreOffice:
    verify reads the same edits from what LibreOffice wrote."""
    edited = edit(built, tmp_path / "reviewed.docx", reviewer_edits)
    saved = _soffice_docx(edited, tmp_path / "lo")
    _, before = verify(edited)
    code, after = verify(saved)
    assert code == 1 and changed(after) == REVIEWER_CHANGES
    for key in ("claims", "added", "pending"):
        assert after[key] == before[key], key
    assert [(c["claims"], c["text"]) for c in after["comments"]] == [
        (["blackmail"], "Is there a second source?")
    ]


# --------------------------------------------------------------------------- hostile files

_DOC = (
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>'
    "</w:document>"
)
_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lollollollollollollollol">'
    + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + '<!ENTITY x "&i;">]>'
    + _DOC
)
_XXE = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>{_DOC}'
_UTF16_DOCTYPE = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d []><d/>'.encode("utf-16")


def _docx_with(document: bytes, **more: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        write_parts(
            path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": document, **more}
        )

    return make


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<d/>")
        with package.open("word/media/image1.png", "w") as member:
            block = bytes(1024 * 1024)
            for _ in range(100):
                member.write(block)


def _ratio_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<d>" + " " * (20 * 1024 * 1024) + "</d>")


def _lying_header(path: Path) -> None:
    """The zip's headers claim 100 bytes for a member that inflates to 10 MB: reading stops
    at the claimed size, and the damaged member is refused (its CRC cannot match)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<d>" + "a" * (10 * 1024 * 1024) + "</d>")
    raw = bytearray(buffer.getvalue())
    size = (10 * 1024 * 1024 + 7).to_bytes(4, "little")
    for at in range(len(raw) - 4):
        if raw[at : at + 4] == size:
            raw[at : at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))


def _encrypted_member(path: Path) -> None:
    """A member flagged as encrypted in the central directory (zipfile wants a password)."""
    _docx_with(b"<d/>")(path)
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        raw[at + 8] |= 1
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))


def _not_a_zip(path: Path) -> None:
    path.write_bytes(b"This is plain text, not a Word document.\n" * 100)


def _old_doc(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


HOSTILE: dict[str, tuple[str, Callable[[Path], object], str]] = {
    "zip bomb": ("bomb.docx", _zip_bomb, "docx-too-large"),
    "compression ratio": ("ratio.docx", _ratio_bomb, "docx-too-large"),
    "lying zip header": ("lying.docx", _lying_header, "not-docx"),
    "billion laughs": ("laughs.docx", _docx_with(_LAUGHS.encode()), "docx-doctype"),
    "external entity": ("xxe.docx", _docx_with(_XXE.encode()), "docx-doctype"),
    "DOCTYPE in UTF-16": ("utf16.docx", _docx_with(_UTF16_DOCTYPE), "docx-doctype"),
    "DOCTYPE in another part": (
        "rels.docx",
        _docx_with(b"<d/>", **{"word/_rels/document.xml.rels": _XXE.encode()}),
        "docx-doctype",
    ),
    "not a zip": ("text.docx", _not_a_zip, "not-docx"),
    "encrypted member": ("locked.docx", _encrypted_member, "not-docx"),
    "old .doc": ("old.docx", _old_doc, "not-docx"),
    ".docm": ("macro.docm", _docx_with(b"<d/>"), "docx-macros"),
    "vbaProject inside": (
        "vba.docx",
        _docx_with(b"<d/>", **{"word/vbaProject.bin": b"\x00" * 64}),
        "docx-macros",
    ),
    "macro content type": (
        "ct.docx",
        lambda p: write_parts(
            p,
            {
                "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" '
                b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                "word/document.xml": b"<d/>",
            },
        ),
        "docx-macros",
    ),
    "malformed XML": ("bad.docx", _docx_with(b"<w:document><unclosed>"), "docx-xml"),
}

_PROBE = textwrap.dedent(
    """
    import resource, sys, time
    limit = int(sys.argv[2]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from typer.testing import CliRunner
    from draft import app
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["verify", sys.argv[1]])
    elapsed = time.perf_counter() - started
    print(f"{result.exit_code} {elapsed:.3f}")
    print(result.stderr, end="")
    """
)
MEMORY_MIB = 600
"""Address space for the whole interpreter (Python, lxml, python-docx, typer) and the check."""


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_gives_one_line_error_fast_in_bounded_memory(
    tmp_path: Path, case: str
) -> None:
    name, make, code = HOSTILE[case]
    path = tmp_path / name
    make(path)
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path), str(MEMORY_MIB)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert probe.returncode == 0, probe.stderr
    status, *errors = probe.stdout.splitlines()
    exit_code, seconds = status.split()
    assert int(exit_code) == 1
    assert float(seconds) < 1.0 * 5, f"took {seconds}s (a second expected; 5x for a busy machine)"
    problems = [e for e in errors if "error[" in e]
    assert len(problems) == 1 and f"error[{code}]" in problems[0], errors
    assert name in problems[0] and "Traceback" not in probe.stdout + probe.stderr
