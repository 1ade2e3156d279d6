"""The library index behind `quote-in-other-source` rules out only snapshots that cannot hold
the quote: whatever the texts (words broken at line ends, ligatures, invisible characters,
curly quotes, dashes typed three ways), every snapshot the one-by-one search
(`quote_checks._may_hold`) would try is still among its candidates, in key order. And it is
never stale: it is rebuilt when the library names other files.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.audit.elsewhere import library_index
from drafting.audit.normalise import keeps_words, normalise
from drafting.audit.quote_checks import _may_hold, _needles
from drafting.audit.snapshots import SnapshotCache
from drafting.model import Location, Source

PIECES = [
    "the", "Committee", "pre-", "trial", "investiga-\n", "tion", "ﬁnding", "Ｆｕｌｌ", "in\u00ad",
    "vis\u200bible", "don’t", "donʼt", "“quoted”", "—", " -- ", " - ", "\n", "\n\n", "  ",
    ". . .", "…", "snake_case", "é", "e\u0301", "42", "§ 7", "детей", "\u00a0", "x",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map(" ".join)


def _library(tmp_path: Path, texts: list[str]) -> tuple[dict[str, Source], SnapshotCache]:
    sources = {}
    for k, text in enumerate(texts):
        path = tmp_path / f"s{k}.txt"
        path.write_text(text, encoding="utf-8")
        sources[f"s{k}"] = Source(f"s{k}", "online", Location(path), snapshot=path)
    return sources, SnapshotCache()


def _brute(sources: dict[str, Source], snapshots: SnapshotCache, quote: str) -> list[str]:
    needles = _needles(quote)
    return [
        key
        for key in sorted(sources)
        if _may_hold(snapshots.get(sources[key].snapshot or Path()), needles)
    ]


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=4), data=st.data())
def test_candidates_hold_every_snapshot_the_full_search_tries(
    tmp_path_factory: object, texts: list[str], data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("lib")  # type: ignore[attr-defined]
    sources, snapshots = _library(folder, texts)
    # A quote cut from one of the texts, raw or normalised, or made up of pieces.
    whole = data.draw(st.sampled_from(texts + [normalise(t).text for t in texts]))
    start = data.draw(st.integers(0, len(whole)))
    end = data.draw(st.integers(start, len(whole)))
    quote = data.draw(st.sampled_from([whole[start:end], data.draw(TEXT)]))
    index = library_index(sources, snapshots)
    chosen = [e.key for e in index.candidates(*_needles(quote))]
    assert set(_brute(sources, snapshots, quote)) <= set(chosen)
    assert chosen == sorted(chosen)


def test_words_broken_at_a_line_end_are_always_tried(tmp_path: Path) -> None:
    sources, snapshots = _library(
        tmp_path, ["the investiga-\ntion began", "an unrelated text", "the ﬁnding"]
    )
    assert not keeps_words("the investiga-\ntion began")
    assert not keeps_words("the ﬁnding")
    index = library_index(sources, snapshots)
    # Neither text holds the word runs as typed; both are tried, the unrelated one is not.
    assert [e.key for e in index.candidates(*_needles("the investigation began"))] == ["s0", "s2"]
    assert [e.key for e in index.candidates(*_needles("the finding"))] == ["s0", "s2"]


def test_rebuilt_when_the_library_names_other_files(tmp_path: Path) -> None:
    sources, snapshots = _library(tmp_path, ["alpha beta gamma", "delta epsilon"])
    first = library_index(sources, snapshots)
    assert library_index(sources, snapshots) is first  # once per audit
    moved = tmp_path / "other.txt"
    moved.write_text("zeta eta theta", encoding="utf-8")
    sources["s1"] = Source("s1", "online", Location(moved), snapshot=moved)
    again = library_index(sources, snapshots)
    assert again is not first
    assert [e.key for e in again.candidates(*_needles("zeta eta"))] == ["s1"]
