"""Styles end to end: both shipped styles build the sample, a workspace can add its own
style, `style_options` and `quoted_in` reach the notes from report.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE, run_draft

HOUSE_STYLE = """\
{#- templates/styles/house.md.j2: "*Title* (Outlet, date) locator", later "*Title* (n 3)". -#}
{%- macro note(citations) -%}
{%- for c in citations -%}
{%- set s = c.source -%}
{%- if c.first -%}
{{ [s.title | italic, [s.container, s.date | date_dmy] | join_parts(', ') | wrap('(', ')'),
    c.locator] | join_parts(' ') }}
{%- else -%}
{{ [s.short_title | italic, '(n ' ~ c.first_note ~ ')', c.locator] | join_parts(' ') }}
{%- endif -%}
{{ '; ' if not loop.last else '.' }}
{%- endfor -%}
{%- endmacro -%}

{%- macro entry(s) -%}
{{ [s.authors | names, s.title | italic, s.date | year] | join_parts(', ', end='.') }}
{%- endmacro -%}
"""


def _notes(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("[^")]


@pytest.mark.parametrize(
    ("style", "first_note", "later"),
    [
        (
            "chicago-note",
            "[^1]: \\[News report on leaked videos of torture at the OTB-1 prison hospital in "
            "Saratov\\], November 11, 2021, para. 3; “Inside Putin’s ‘torture conveyor belt’ "
            "prisons with inmates raped and mutilated,” *Daily Star*, n.d., para. 4.",
            "[^2]: \\[News report on leaked Saratov videos\\], para. 20.",
        ),
        (
            "oscola",
            "[^1]: \\[News report on leaked videos of torture at the OTB-1 prison hospital in "
            "Saratov\\] (11 November 2021) para 3; ‘Inside Putin’s “torture conveyor belt” "
            "prisons with inmates raped and mutilated’ *Daily Star* para 4.",
            "[^2]: \\[News report on leaked Saratov videos\\] (n 1) para 20.",
        ),
    ],
)
def test_sample_builds_in_each_style(sample: Path, style: str, first_note: str, later: str) -> None:
    result = run_draft("build", sample / "reports" / SAMPLE, "--style", style)
    assert result.exit_code == 0, result.stderr
    notes = _notes((sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8"))
    assert notes[0] == first_note
    assert notes[1] == later
    assert (sample / "build" / f"{SAMPLE}.docx").is_file()


def test_style_from_report_yaml(sample: Path) -> None:
    report = sample / "reports" / SAMPLE / "report.yaml"
    report.write_text(report.read_text().replace("style: chicago-note", "style: oscola"))
    assert run_draft("build", sample / "reports" / SAMPLE, "--format", "md").exit_code == 0
    assert "(n 1) para 20." in (sample / "build" / f"{SAMPLE}.md").read_text(encoding="utf-8")


def test_a_workspace_can_add_its_own_style(example: Path) -> None:
    (example / "templates" / "styles").mkdir(parents=True)
    (example / "templates" / "styles" / "house.md.j2").write_text(HOUSE_STYLE, encoding="utf-8")
    result = run_draft("build", example / "reports" / "example", "--style", "house")
    assert result.exit_code == 0, result.stderr
    text = (example / "build" / "example.md").read_text(encoding="utf-8")
    assert _notes(text) == [
        "[^1]: *\\[News report on leaked videos of torture at the OTB-1 prison hospital in "
        "Saratov\\]* (11 November 2021) para. 3.",
        "[^2]: *\\[News report on leaked Saratov videos\\]* (n 1).",
    ]
    assert "- *\\[News report on leaked videos of torture" in text  # the Sources list too


def test_an_unknown_style_is_a_clear_error(example: Path) -> None:
    result = run_draft("build", example / "reports" / "example", "--style", "nonesuch")
    assert result.exit_code == 1
    assert "error[template-not-found]" in result.stderr
    assert "styles/nonesuch.md.j2" in result.stderr


def _add(report: Path, before: str, text: str) -> None:
    content = report.read_text(encoding="utf-8")
    assert before in content
    report.write_text(content.replace(before, text + before, 1), encoding="utf-8")


def test_style_options_reach_the_style(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    _add(report, "sections:", "style_options: {ibid: true}\n")
    assert run_draft("build", example / "reports" / "example", "--format", "md").exit_code == 0
    assert "[^2]: Ibid." in (example / "build" / "example.md").read_text(encoding="utf-8")


def test_style_options_must_be_plain_values(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    _add(report, "sections:", "style_options: {ibid: [yes]}\n")
    result = run_draft("check", example / "reports" / "example")
    assert result.exit_code == 1
    assert "report.yaml:6:" in result.stderr and "error[wrong-type]" in result.stderr


QUOTED_IN_SOURCES = """
@misc{savelyev,
  author = {Savelyev, Sergey},
  title = {[Interview]},
  publisher = {The Guardian},
}
"""


def test_quoted_in_from_report_yaml(example: Path) -> None:
    library = example / "sources" / "library.bib"
    library.write_text(library.read_text() + QUOTED_IN_SOURCES, encoding="utf-8")
    report = example / "reports" / "example" / "report.yaml"
    content = report.read_text(encoding="utf-8")
    old = "      - key: saratov-leak-2021\n        quote: 18 prison officers"
    assert old in content
    report.write_text(
        content.replace(
            old,
            "      - key: savelyev\n        quoted_in: saratov-leak-2021\n"
            "        locator: para. 20\n        quote: 18 prison officers",
        ),
        encoding="utf-8",
    )
    result = run_draft("build", example / "reports" / "example", "--format", "md")
    assert result.exit_code == 0, result.stderr
    text = (example / "build" / "example.md").read_text(encoding="utf-8")
    assert (
        "[^2]: Sergey Savelyev, \\[Interview\\], The Guardian, n.d., quoted in "
        "\\[News report on leaked Saratov videos\\], para. 20." in text
    )
    sources = text.split("## Sources", 1)[1]
    assert "Savelyev, Sergey. \\[Interview\\]" in sources  # both are listed (Chicago 14.260)


def test_unknown_quoted_in_key_is_an_error(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    _add(report, "        quote: 18 prison officers", "        quoted_in: nowhere\n")
    result = run_draft("check", example / "reports" / "example")
    assert result.exit_code == 1
    assert "error[unknown-source]" in result.stderr and "'nowhere'" in result.stderr
