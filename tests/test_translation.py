"""Translated quotes end to end: a Russian quote with the organisation's English translation.

The quote is checked in the original; the footnote prints the original and the translation,
marked as the organisation's (`style_options: {translation: note}`, the default), or neither
(`translation: none`); a confidential source's quote and translation never reach the public
edition. The .md and .docx are read back by pandoc, independently of our writers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import run_draft
from oracles import notes, pandoc_json

from drafting import editions
from drafting.pipeline import check, gather

REPORT = "brief"
NEWS = (
    "Правозащитники рассказали о том, что происходит в тюремной больнице.\n\n"
    "«Пытки — это система», — сказал один из них. Никто не ответил на вопросы.\n"
)
WITNESS = "Меня допрашивали три дня. Избивали каждую ночь, пока я не подписал.\n"
WITNESS_NAME = "Volkova"
WITNESS_TRANSLATION = "They beat people every night"
LIBRARY = """\
@online{news-ru,
  title = {Пытки в тюремной больнице},
  journaltitle = {Primer},
  date = {2021-10-06},
  url = {https://example.org/ru/pytki},
  file = {archive/news-ru.txt},
  sha256 = {%(news)s},
}
@misc{witness-b,
  author = {Volkova, Irina},
  title = {[Interview with Irina Volkova]},
  date = {2021-10-20},
  confidential = {true},
  redacted = {[Interview with a former detainee, name withheld]},
  file = {archive/witness-b.txt},
  sha256 = {%(witness)s},
}
"""
CLAIMS = """\
title: Torture in the prison hospital
organisation: Example Rights Monitor
date: 2021-11-25
style: %(style)s
%(options)s
sections:
  - heading: Findings
    paragraphs:
      - [systemic, nightly]
claims:
  systemic:
    text: Human rights defenders describe the torture as systematic.
    sources:
      - key: news-ru
        quote: "%(quote)s"
        translation: Torture is a system
        locator: para. 2
  nightly:
    text: A former detainee said that he was beaten every night until he signed.
    sources:
      - key: witness-b
        quote: Избивали каждую ночь
        translation: %(witness_translation)s
"""
CITATION = {
    "chicago-note": "“Пытки в тюремной больнице,” Primer, October 6, 2021, para. 2, "
    "https://example.org/ru/pytki.",
    "oscola": "‘Пытки в тюремной больнице’ Primer (6 October 2021) para 2 "
    "<https://example.org/ru/pytki>.",
}
TRANSLATED = {
    "chicago-note": " Original: “Пытки — это система”; translation by Example Rights Monitor: "
    "“Torture is a system.”",
    "oscola": " Original: ‘Пытки — это система’; translation by Example Rights Monitor: "
    "‘Torture is a system’.",
}
REDACTED = {
    "chicago-note": "[Interview with a former detainee, name withheld], October 20, 2021.",
    "oscola": "[Interview with a former detainee, name withheld] (20 October 2021).",
}


def _workspace(
    root: Path,
    style: str = "chicago-note",
    options: str = "",
    quote: str = "Пытки — это система",
    witness_translation: str = WITNESS_TRANSLATION,
) -> Path:
    archive = root / "sources" / "archive"
    archive.mkdir(parents=True)
    digests = {}
    for name, text in (("news", NEWS), ("witness", WITNESS)):
        path = archive / ("news-ru.txt" if name == "news" else "witness-b.txt")
        path.write_text(text, encoding="utf-8")
        digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (root / "sources" / "library.bib").write_text(LIBRARY % digests, encoding="utf-8")
    report = root / "reports" / REPORT
    report.mkdir(parents=True)
    fields = {
        "style": style,
        "options": options,
        "quote": quote,
        "witness_translation": witness_translation,
    }
    (report / "report.yaml").write_text(CLAIMS % fields, encoding="utf-8")
    return root


def _footnotes(build: Path, stem: str) -> dict[str, list[str]]:
    """The footnotes as pandoc reads the .md and the .docx."""
    return {
        "md": notes(pandoc_json(build / f"{stem}.md", "markdown")),
        "docx": notes(pandoc_json(build / f"{stem}.docx", "docx")),
    }


@pytest.mark.parametrize("style", ["chicago-note", "oscola"])
def test_the_note_prints_the_original_and_the_organisations_translation(
    tmp_path: Path, style: str
) -> None:
    ws = _workspace(tmp_path, style)
    result = run_draft("build", ws / "reports" / REPORT)
    assert result.exit_code == 0, result.stderr
    for reader, found in _footnotes(ws / "build", REPORT).items():
        assert found == [CITATION[style] + TRANSLATED[style], REDACTED[style]], reader


@pytest.mark.parametrize("style", ["chicago-note", "oscola"])
def test_translation_none_prints_neither(tmp_path: Path, style: str) -> None:
    ws = _workspace(tmp_path, style, options="style_options: {translation: none}")
    result = run_draft("build", ws / "reports" / REPORT)
    assert result.exit_code == 0, result.stderr
    for reader, found in _footnotes(ws / "build", REPORT).items():
        assert found == [CITATION[style], REDACTED[style]], reader
    body = (ws / "build" / f"{REPORT}.md").read_text(encoding="utf-8")
    assert "Torture is a system" not in body and "Пытки — это" not in body


def test_claim_text_is_left_as_written(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    assert run_draft("build", ws / "reports" / REPORT, "--format", "md").exit_code == 0
    text = (ws / "build" / f"{REPORT}.md").read_text(encoding="utf-8")
    body = text.split("## Findings", 1)[1].split("## Sources", 1)[0].strip()
    assert body == (
        "Human rights defenders describe the torture as systematic.[^1] A former detainee said "
        "that he was beaten every night until he signed.[^2]"
    )


def test_an_unknown_place_for_translations_is_a_clear_error(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, options="style_options: {translation: footnote}")
    result = run_draft("build", ws / "reports" / REPORT)
    assert result.exit_code == 1
    assert "error[bad-style-option]" in result.stderr
    assert "'translation: footnote'" in result.stderr and "note, none" in result.stderr
    assert not (ws / "build" / f"{REPORT}.md").exists()


def test_the_quote_is_checked_in_the_original_not_the_translation(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    result = run_draft("check", ws / "reports" / REPORT)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "quote-not-found" not in result.stdout + result.stderr
    # The check is live: the translation given as the quote is not in the Russian source.
    wrong = _workspace(tmp_path / "wrong", quote="Torture is a system")
    result = run_draft("check", wrong / "reports" / REPORT)
    assert result.exit_code == 1
    assert "quote-not-found" in result.stdout + result.stderr


def test_public_edition_drops_a_confidential_sources_quote_and_translation(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path)
    result = run_draft("build", ws / "reports" / REPORT)
    assert result.exit_code == 0, result.stderr  # the leak scan ran and found nothing
    md = (ws / "build" / f"{REPORT}.md").read_text(encoding="utf-8")
    found = _footnotes(ws / "build", REPORT)
    for text in (WITNESS_TRANSLATION, "Избивали каждую ночь", WITNESS_NAME, "witness-b"):
        assert text not in md
        assert all(text not in note for notes_ in found.values() for note in notes_)
    # The internal edition prints both, after the confidential source's full citation.
    result = run_draft("build", ws / "reports" / REPORT, "--edition", "internal")
    assert result.exit_code == 0, result.stderr
    internal = _footnotes(ws / "build", f"{REPORT}.internal")
    assert internal["md"] == internal["docx"]
    assert internal["md"][1] == (
        "Irina Volkova, [Interview with Irina Volkova], October 20, 2021. Original: "
        "“Избивали каждую ночь”; translation by Example Rights Monitor: "
        "“They beat people every night.”"
    )


def test_the_leak_scan_knows_a_confidential_translation(tmp_path: Path) -> None:
    """A public claim that repeats the confidential quote's translation stops the build."""
    ws = _workspace(tmp_path)
    report = ws / "reports" / REPORT / "report.yaml"
    text = report.read_text(encoding="utf-8")
    old = "describe the torture as systematic."
    report.write_text(text.replace(old, f"{old} {WITNESS_TRANSLATION}."), encoding="utf-8")
    result = run_draft("build", ws / "reports" / REPORT)
    assert result.exit_code != 0
    assert "error[confidential-leak]" in result.stderr
    assert "the translation of the quote in claim 'nightly'" in result.stderr
    assert WITNESS_TRANSLATION not in result.stderr
    assert not (ws / "build").exists() or not any((ws / "build").iterdir())


def test_the_public_report_holds_no_confidential_translation(tmp_path: Path) -> None:
    """What templates receive: the confidential citation's quote and translation are gone,
    a public citation keeps both (a style could print a translation without its quote)."""
    ws = _workspace(tmp_path)
    inputs = gather(ws / "reports" / REPORT)
    report, _ = editions.public(inputs.report, inputs.sources)
    (systemic,) = report.claims["systemic"].sources
    (nightly,) = report.claims["nightly"].sources
    assert (systemic.quote, systemic.translation) == ("Пытки — это система", "Torture is a system")
    assert (nightly.key, nightly.quote, nightly.translation) == ("confidential-1", "", "")
    audit = editions.public_audit(check(ws / "reports" / REPORT))
    shown = [c for claim in audit.claims for c in claim.citations if c.key != "news-ru"]
    assert shown and all(c.translation == "" and c.quote == "" for c in shown)


def test_without_an_organisation_the_translation_is_ours(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    report = ws / "reports" / REPORT / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("organisation: Example Rights Monitor\n", ""), encoding="utf-8")
    result = run_draft("build", ws / "reports" / REPORT, "--format", "md")
    assert result.exit_code == 0, result.stderr
    (first, _) = notes(pandoc_json(ws / "build" / f"{REPORT}.md", "markdown"))
    assert first.endswith(
        "Original: “Пытки — это система”; our translation: “Torture is a system.”"
    ), first
