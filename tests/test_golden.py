"""Golden files: the rendered Markdown and the Word XML parts, compared as text.

After a deliberate change run `pytest --update-golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOLDEN, run_draft

from drafting.writers.ooxml import parts_text

PARTS = ("word/document.xml", "word/footnotes.xml")


def _compare(actual: str, golden: Path, update: bool) -> None:
    if update or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"{golden} did not exist; it was written, review and commit it")
    assert actual == golden.read_text(encoding="utf-8"), f"differs from {golden}"


@pytest.mark.parametrize("name", ["example.md", *PARTS])
def test_example_output_matches_golden(example: Path, update_golden: bool, name: str) -> None:
    result = run_draft("build", example / "reports" / "example")
    assert result.exit_code == 0, result.stderr
    if name.endswith(".md"):
        actual = (example / "build" / name).read_text(encoding="utf-8")
    else:
        actual = parts_text((example / "build" / "example.docx").read_bytes(), [name])[name]
    _compare(actual, GOLDEN / "example" / Path(name).name, update_golden)


def test_sample_audit_matches_golden(sample: Path, update_golden: bool) -> None:
    """The reviewer's audit of the sample brief (`draft check --format markdown`)."""
    result = run_draft("check", sample / "reports" / "saratov-otb1", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    _compare(result.stdout, GOLDEN / "saratov-otb1" / "audit.md", update_golden)
