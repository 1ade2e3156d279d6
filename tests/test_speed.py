"""Speed work that must not change what is built: reused notes, and the benchmark generator.

Notes with the same sources, locators and positions are rendered once and reused, unless the
style reads the note's own number or keeps state between notes (tests/cases/note_reuse.yaml).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, REPO, copy_workspace, run_draft

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "note_reuse.yaml").read_text(encoding="utf-8")
)

REPORT = """\
title: Three notes
organisation: Example Rights Monitor
date: 2021-11-25
sections:
  - heading: Findings
    paragraphs:
      - [one, two, three]
claims:
"""
CLAIM = """\
  {id}:
    text: Claim {id} about the footage.
    sources:
      - key: saratov-leak-2021
        quote: systematic torture, sexual abuse and degradation of prisoners
        locator: para. 3
"""


def _style(case: dict[str, Any]) -> str:
    head, note = str(case.get("head", "")), str(case["note"])
    return (
        f"{head}{{%- macro note(citations) -%}}{{%- for c in citations -%}}{note}"
        "{%- endfor -%}.{%- endmacro -%}{%- macro entry(s) -%}{{ s.title }}{%- endmacro -%}"
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_notes_are_reused_only_when_nothing_in_them_can_differ(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    report = ws / "reports" / "three"
    report.mkdir(parents=True)
    claims = "".join(CLAIM.format(id=i) for i in ("one", "two", "three"))
    (report / "report.yaml").write_text(REPORT + claims, encoding="utf-8")
    styles = ws / "templates" / "styles"
    styles.mkdir(parents=True)
    (styles / "probe.md.j2").write_text(_style(case), encoding="utf-8")

    result = run_draft("build", report, "--style", "probe", "--format", "md")

    assert result.exit_code == 0, result.stderr
    markdown = (ws / "build" / "three.md").read_text(encoding="utf-8")
    notes = [line for line in markdown.splitlines() if line.startswith("[^")]
    assert notes == case["notes"], case["why"]


def test_notes_differing_only_in_their_translation_are_not_reused(tmp_path: Path) -> None:
    """A translated quote is part of what a note holds: same source and locator, another
    translation, another note."""
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    report = ws / "reports" / "three"
    report.mkdir(parents=True)
    claims = "".join(
        CLAIM.format(id=i) + f"        translation: version {n}\n"
        for n, i in enumerate(("one", "two", "three"), 1)
    )
    (report / "report.yaml").write_text(REPORT + claims, encoding="utf-8")
    styles = ws / "templates" / "styles"
    styles.mkdir(parents=True)
    case = {"note": "{{ c.position }} {{ c.translation }}"}
    (styles / "probe.md.j2").write_text(_style(case), encoding="utf-8")

    result = run_draft("build", report, "--style", "probe", "--format", "md")

    assert result.exit_code == 0, result.stderr
    markdown = (ws / "build" / "three.md").read_text(encoding="utf-8")
    notes = [line for line in markdown.splitlines() if line.startswith("[^")]
    assert notes == ["[^1]: first version 1.", "[^2]: ibid version 2.", "[^3]: ibid version 3."]


def test_generated_bench_workspace_builds_with_every_claim(tmp_path: Path) -> None:
    """bench/generate.py at a tiny size: the brief builds, one footnote per claim, and the
    same seed writes the same files."""
    out = [tmp_path / "a", tmp_path / "b"]
    size = ["--claims", "45", "--sources", "12", "--seed", "5"]
    for folder in out:
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "generate.py"), str(folder), *size],
            check=True,
            capture_output=True,
        )
    summary = json.loads((out[0] / "expected.json").read_text(encoding="utf-8"))
    assert summary["claims"] == 45
    for name in ("sources/library.bib", "reports/bench/report.yaml", "pandoc/citeproc.md"):
        assert (out[0] / name).read_bytes() == (out[1] / name).read_bytes(), name

    result = run_draft("build", out[0] / "reports" / "bench")

    assert result.exit_code == 0, result.stderr
    markdown = (out[0] / "build" / "bench.md").read_text(encoding="utf-8")
    assert sum(line.startswith("[^") for line in markdown.splitlines()) == 45
    assert "error[" not in result.stderr
