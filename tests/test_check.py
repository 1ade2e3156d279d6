"""`draft check`: the citation audit on real workspaces, each failure caught with its code
and its file:line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, SAMPLE, run_draft

SCHEMA = json.loads((REPO / "docs" / "check-output.schema.json").read_text(encoding="utf-8"))


def _report(ws: Path) -> Path:
    return ws / "reports" / SAMPLE / "report.yaml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(path: Path, needle: str, after: str = "") -> int:
    """1-based line of the first line holding `needle` (after the line holding `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def _check(ws: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    text = run_draft("check", ws / "reports" / SAMPLE, *args)
    data = run_draft("check", ws / "reports" / SAMPLE, "--format", "json", *args)
    document = json.loads(data.stdout)
    jsonschema.validate(document, SCHEMA)
    assert data.exit_code == text.exit_code
    return text.exit_code, text.stderr, document


def test_sample_passes_with_every_quote_exact(sample: Path) -> None:
    code, stderr, document = _check(sample)
    assert code == 0, stderr
    assert "error[" not in stderr
    claims = document["claims"]
    assert isinstance(claims, list) and len(claims) == 22
    outcomes = {c["outcome"] for claim in claims for c in claim["citations"]}
    assert outcomes == {"exact"}
    footage = next(c for c in claims if c["id"] == "leaked-footage")
    assert footage["independent_origins"] == 1, "both seeds rest on Gulagu.net"
    assert footage["origins"] == [["guardian-savelyev", "gulagu-net"]]
    assert [c["paragraph"] for c in footage["citations"]] == [3, 4]


# (edit of report.yaml, code, severity, the line to blame: text on it, after which claim)
BROKEN = [
    pytest.param(
        ("quote: According to EuroNews, 18 prison officers have now been fired",
         "quote: According to EuroNews, 18 prison officers have now been dismissed"),
        "quote-not-found", "error", ("quote: According to EuroNews", "officers-fired:"),
        id="quote altered by one word",
    ),
    pytest.param(
        ("      - key: saratov-leak-2021\n        quote: obtained by an ex-prisoner",
         "      - key: dailystar-torture-conveyor\n        quote: obtained by an ex-prisoner"),
        "quote-in-other-source", "error", ("quote: obtained by an ex-prisoner", "video-source:"),
        id="quote from the wrong source",
    ),
    pytest.param(
        ("quote: Now seeking asylum in France\n        locator: para. 9",
         "quote: Now seeking asylum in France\n        locator: para. 7"),
        "locator-mismatch", "warning", ("locator: para. 7", "asylum:"),
        id="wrong para. locator",
    ),
    pytest.param(
        ("      - key: saratov-leak-2021\n        quote: at least eight men",
         "      - key: saratov-leak-2012\n        quote: at least eight men"),
        "unknown-source", "error", ("- key: saratov-leak-2012", "figures-differ:"),
        id="unknown key",
    ),
    pytest.param(
        ("degradation of prisoners.\n    status: reported",
         "degradation of prisoners.\n    status: corroborated"),
        "single-origin", "error", ("leaked-footage:", ""),
        id="corroborated by the two seeds, which both rest on Gulagu.net",
    ),
    pytest.param(
        ("quote: other whistleblowers have managed to get footage out of four more prisons",
         "quote: Vladimir Osechkin, who runs Gulagu.net, plans on using the footage"),
        "quote-not-found", "error", ("quote: Vladimir Osechkin, who runs", "four-more-prisons:"),
        id="link text missing from the snapshot",
    ),
    pytest.param(
        ("Sergey Savelyev, who orchestrated the leak, said he spent two years",
         "Sergey Savelyev, who orchestrated the leak, spent two years"),
        "unhedged-allegation", "warning", ("savelyev-copied:", ""),
        id="allegation stated as fact",
    ),
    pytest.param(
        ("        quote: Now seeking asylum in France\n", ""),
        "no-quote", "warning", ("- key: dailystar-torture-conveyor", "asylum:"),
        id="citation without a quote",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "code", "severity", "blame"), BROKEN)
def test_each_failure_is_caught_with_its_code_and_line(
    sample: Path, edit: tuple[str, str], code: str, severity: str, blame: tuple[str, str]
) -> None:
    report = _report(sample)
    _replace(report, *edit)
    line = _line_of(report, blame[0], after=blame[1])
    exit_code, stderr, document = _check(sample)
    assert exit_code == (1 if severity == "error" else 0), stderr
    assert f"reports/{SAMPLE}/report.yaml:{line}:" in stderr
    assert f"{severity}[{code}]" in stderr
    problems = [p for p in document["problems"] if p["code"] == code]
    assert [(p["line"], p["severity"], p["file"]) for p in problems] == [
        (line, severity, f"reports/{SAMPLE}/report.yaml")
    ]
    strict = run_draft("check", sample / "reports" / SAMPLE, "--strict")
    assert strict.exit_code == 1


def test_not_found_shows_what_the_source_really_says(sample: Path) -> None:
    _replace(
        _report(sample),
        "quote: other whistleblowers have managed to get footage out of four more prisons",
        "quote: Vladimir Osechkin, who runs Gulagu.net, plans on using the footage",
    )
    _, stderr, document = _check(sample)
    assert (
        "closest passage (para. 12, counting the document's paragraphs) (score 83): "
        '"Vladimir Osechkin, who runs, plans on'
    ) in stderr
    claim = next(c for c in document["claims"] if c["id"] == "four-more-prisons")
    assert claim["citations"][0]["outcome"] == "not-found"
    assert claim["citations"][0]["passage"].startswith("Vladimir Osechkin, who runs, plans on")


def test_locator_mismatch_names_the_right_paragraph(sample: Path) -> None:
    _replace(_report(sample), "locator: para. 9", "locator: para. 7")
    _, stderr, _ = _check(sample)
    assert (
        "the locator says 'para. 7' but the quote is in para. 9 of the archived snapshot "
        "(counting the document's paragraphs); write 'para. 9'"
    ) in stderr


def test_snapshot_edited_after_archiving(sample: Path) -> None:
    snapshot = sample / "sources" / "archive" / "saratov-leak-2021.txt"
    snapshot.write_text(snapshot.read_text(encoding="utf-8") + "\nAdded later.\n", "utf-8")
    code, stderr, _ = _check(sample)
    assert code == 1
    line = _line_of(sample / "sources" / "library.bib", "sha256", after="@online{saratov-leak")
    assert (
        f"sources/library.bib:{line}: error[archive-changed] source 'saratov-leak-2021'" in stderr
    )


def test_missing_digest_and_missing_snapshot(sample: Path) -> None:
    bib = sample / "sources" / "library.bib"
    _replace(
        bib, "  sha256 = {1d106d04c547a74b5f2b3dfad5eb8371fdaf06e7ef7880036e14ec2d8f77e312},\n", ""
    )
    (sample / "sources" / "archive" / "dailystar-torture-conveyor.txt").unlink()
    code, stderr, document = _check(sample)
    assert code == 1
    assert "warning[missing-digest] source 'saratov-leak-2021'" in stderr
    line = _line_of(bib, "file =", after="@article{dailystar")
    assert f"library.bib:{line}: error[missing-snapshot] source 'dailystar" in stderr
    outcomes = {
        c["outcome"]
        for cl in document["claims"]
        for c in cl["citations"]
        if c["key"].startswith("daily")
    }
    assert outcomes == {"no-archive"}


def test_uncited_archive_and_metadata_warnings(sample: Path) -> None:
    _replace(_report(sample), "      - key: saratov-leak-2021\n        quote: at least eight men",
             "      - key: gulagu-net\n        quote: at least eight men")  # fmt: skip
    _, stderr, _ = _check(sample)
    assert "warning[no-archive] claim 'figures-differ', source 'gulagu-net'" in stderr
    assert (
        "warning[missing-metadata] source 'gulagu-net': the source's metadata is missing: date; URL"
        in stderr
    )
    assert "warning[missing-metadata] source 'dailystar-torture-conveyor'" in stderr


def test_origin_cycle_is_reported_and_does_not_hang(sample: Path) -> None:
    bib = sample / "sources" / "library.bib"
    _replace(
        bib,
        "  publisher = {Gulagu.net},\n",
        "  publisher = {Gulagu.net},\n  origin = {dailystar-torture-conveyor},\n",
    )
    _, stderr, document = _check(sample)
    assert "warning[origin-cycle] source 'dailystar-torture-conveyor'" in stderr
    claim = next(c for c in document["claims"] if c["id"] == "leaked-footage")
    assert claim["independent_origins"] == 1


def test_two_independent_origins_corroborate(sample: Path) -> None:
    bib = sample / "sources" / "library.bib"
    _replace(
        bib, "  origin = {gulagu-net, guardian-savelyev},\n", "  origin = {guardian-savelyev},\n"
    )
    _replace(
        _report(sample),
        "degradation of prisoners.\n    status: reported",
        "degradation of prisoners.\n    status: corroborated",
    )
    code, stderr, document = _check(sample)
    assert code == 0, stderr
    claim = next(c for c in document["claims"] if c["id"] == "leaked-footage")
    assert claim["independent_origins"] == 2


def test_accepted_problems_are_shown_but_do_not_count(sample: Path) -> None:
    assert run_draft("check", sample / "reports" / SAMPLE, "--strict").exit_code == 1  # metadata
    code, stderr, document = _check(sample, "--strict", "--ignore", "missing-metadata")
    assert code == 0, stderr
    assert stderr.count("accepted[missing-metadata]") == 2
    assert all(p["accepted"] for p in document["problems"])
    assert document["summary"] == {"claims": 22, "errors": 0, "warnings": 0, "accepted": 2}


def test_a_claim_can_accept_a_problem_of_its_own(sample: Path) -> None:
    report = _report(sample)
    _replace(report, "locator: para. 9", "locator: para. 7")
    asylum = "    text: Savelyev is now seeking asylum in France.\n"
    _replace(report, asylum, asylum + "    ignore: [locator-mismatch]\n")
    code, stderr, _ = _check(sample, "--strict", "--ignore", "missing-metadata")
    assert code == 0, stderr
    assert "accepted[locator-mismatch] claim 'asylum'" in stderr
    markdown = run_draft("check", sample / "reports" / SAMPLE, "--format", "markdown").stdout
    assert "| accepted (warning) | `locator-mismatch` |" in markdown


def test_wrong_usage_exits_2(sample: Path) -> None:
    assert run_draft("check", sample / "reports" / SAMPLE, "--format", "bogus").exit_code == 2
    assert run_draft("check").exit_code == 2


def test_build_refuses_when_the_audit_finds_errors(sample: Path) -> None:
    _replace(
        _report(sample), "quote: Now seeking asylum in France", "quote: Now seeking asylum in Spain"
    )
    result = run_draft("build", sample / "reports" / SAMPLE)
    assert result.exit_code == 1
    assert "error[quote-not-found] claim 'asylum'" in result.stderr
    assert not (sample / "build").exists()


def test_markdown_escapes_table_cells(sample: Path) -> None:
    _replace(_report(sample), "text: Savelyev is now seeking asylum in France.",
             "text: 'Savelyev | now <b>seeking</b> asylum in France.'")  # fmt: skip
    markdown = run_draft("check", sample / "reports" / SAMPLE, "--format", "markdown").stdout
    assert "Savelyev \\| now &lt;b&gt;seeking&lt;/b&gt; asylum" in markdown
    row = next(line for line in markdown.splitlines() if "`asylum`" in line)
    assert row.replace("\\|", "").count(" | ") == 7, "the escaped | must not add a column"


def test_editorial_marks_and_translation_are_shown_in_the_audit(sample: Path) -> None:
    report = _report(sample)
    _replace(
        report,
        "quote: said he spent two years as an inmate secretly copying the footage",
        "quote: said [Savelyev] spent two years as an inmate [...] copying the footage\n"
        "        translation: a dit avoir passé deux ans en détention",
    )
    code, stderr, document = _check(sample)
    assert code == 0, stderr
    claims = document["claims"]
    assert isinstance(claims, list)
    cited = next(c for c in claims if c["id"] == "savelyev-copied")["citations"][0]
    assert cited["outcome"] == "exact"
    assert cited["editorial"] == [
        '[Savelyev] stands for "he"',
        '[...] leaves out "secretly"',
    ]
    assert cited["translation"] == "a dit avoir passé deux ans en détention"
    assert cited["numbering"] == "counted"
    markdown = run_draft("check", sample / "reports" / SAMPLE, "--format", "markdown").stdout
    assert "translation: a dit avoir passé deux ans en détention" in markdown


def test_an_elision_that_drops_a_negation_is_an_error_at_the_quote_line(sample: Path) -> None:
    report = _report(sample)
    _replace(
        report,
        "quote: I am sure that this will not happen again in the future.",
        "quote: I am sure that this will [...] happen again in the future.",
    )
    line = _line_of(report, "quote: I am sure that this will [...]")
    code, stderr, _ = _check(sample)
    assert code == 1
    assert f"report.yaml:{line}:" in stderr
    assert "error[elision-changes-meaning]" in stderr and 'include "not"' in stderr


def test_a_folded_quote_is_blamed_at_its_quote_line(sample: Path) -> None:
    report = _report(sample)
    _replace(
        report, "Prison Service (FSIN) and FSB spy agency", "Prison Service (FSIN) and the army"
    )
    line = _line_of(report, "quote: >-", after="  conveyor-belt:")
    code, stderr, _ = _check(sample)
    assert code == 1
    assert f"report.yaml:{line}:" in stderr and "error[quote-not-found]" in stderr


def test_a_url_is_asked_for_only_where_a_source_is_published_online(sample: Path) -> None:
    """An interview (here the sample's witness, @misc) has no URL to give; a web page has."""
    _, _, document = _check(sample)
    missing = {
        p["source"]: p["message"] for p in document["problems"] if p["code"] == "missing-metadata"
    }
    assert "URL" in missing["saratov-leak-2021"]  # @online
    assert "witness-sidorov-2021" not in missing  # @misc, an interview
