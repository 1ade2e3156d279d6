"""Quote matching against the real seed snapshots, driven by tests/cases/quotes.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from drafting.audit.checks import clip_to_paragraph
from drafting.audit.quotes import find_quote, normalise
from drafting.audit.snapshots import read_snapshot

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "quotes.yaml").read_text(encoding="utf-8")
)
ARCHIVE = REPO / "sources" / "archive"


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_quote_case(case: dict[str, Any]) -> None:
    snapshot = read_snapshot(ARCHIVE / case["file"])
    match = clip_to_paragraph(
        snapshot, find_quote(case["quote"], snapshot.text, snapshot.normalised, None)
    )
    assert match.outcome == case["outcome"], (match, case["why"])
    if case["paragraph"] is not None:
        assert snapshot.paragraph_at(match.start) == case["paragraph"]


def test_normalised_passage_is_the_sources_own_text() -> None:
    snapshot = read_snapshot(ARCHIVE / "dailystar-torture-conveyor.txt")
    match = find_quote(
        "seeing it yourself is a very different thing... I never had any doubt",
        snapshot.text,
        snapshot.normalised,
        None,
    )
    assert snapshot.text[match.start : match.end] == (
        "seeing it yourself is a very different thing… I never had any doubt"
    )


def test_normalise_folds_typography_both_sides_alike() -> None:
    assert normalise("“It’s — a\u00adb…”\u00a0 x").text == '"It\'s - ab..." x'
    assert normalise("cafe\u0301").text == "café"  # NFC: e + combining acute -> é


def test_ambiguous_fuzzy_match_is_not_a_match() -> None:
    text = "The guards beat the prisoner at night.\n\nThe guards beat the prisoners at night."
    match = find_quote("The guards beat a prisoner at night", text, normalise(text), None)
    assert match.outcome == "not-found"
    assert "ambiguous" in match.note


def test_preferred_paragraph_wins_when_a_quote_occurs_twice() -> None:
    text = "at least eight men\n\nsomething else\n\nat least eight men"
    match = find_quote("at least eight men", text, normalise(text), (36, len(text)))
    assert match.start == 36


@given(st.text(alphabet=st.sampled_from("ab ’‘“”—…\u00ad\n\u0301e"), max_size=40))
def test_offsets_map_back_into_the_original(text: str) -> None:
    norm = normalise(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        assert 0 <= norm.starts[i] < norm.ends[i] <= len(text)
        assert norm.starts[i] <= norm.starts[i + 1] if i + 1 < len(norm.text) else True
    # Normalising is idempotent: the normalised text is its own normal form.
    assert normalise(norm.text).text == norm.text
