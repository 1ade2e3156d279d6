"""A snapshot's normalised text is kept in the disk cache under the digest of the text: the
same text reads it back with the same offsets, another text (one character changed) never
meets it, and a corrupt entry is ignored and rewritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafting.audit import normalise as normalise_module
from drafting.audit.cache import DiskCache
from drafting.audit.normalise import Normalised, normalise

TEXT = "The “Committee” found—in its pre-\ntrial review—that  the inves-\ntigation … ﬁled.\n\nNext"


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "snapshots").glob("*/*.json"))


def _same(a: str, b: str, cache: DiskCache, fresh: Normalised | None = None) -> None:
    fresh, kept = fresh or normalise(a), normalise(b, cache)
    assert kept.text == fresh.text
    assert kept.soft_breaks == fresh.soft_breaks
    for start in range(len(fresh.text)):
        assert kept.original_span(start, start + 1) == fresh.original_span(start, start + 1)
    for offset in range(len(a) + 1):
        assert kept.normalised_offset(offset) == fresh.normalised_offset(offset)


def test_read_back_with_the_same_offsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DiskCache(tmp_path)
    _same(TEXT, TEXT, cache)  # computed and stored
    assert len(_entries(tmp_path)) == 1
    fresh = normalise(TEXT)
    assert fresh.text

    def fail(text: str) -> object:
        raise AssertionError("normalised again instead of read from the cache")

    monkeypatch.setattr(normalise_module, "_normalise", fail)
    _same(TEXT, TEXT, cache, fresh)  # read back


def test_a_changed_text_never_meets_the_old_entry(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    assert normalise(TEXT, cache).text
    changed = TEXT.replace("Committee", "Commission")
    _same(changed, changed, cache)
    assert len(_entries(tmp_path)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: e["value"].update(passes=[[[1], [2], [3]]]),
        lambda e: e["value"].update(soft=["x"]),
        lambda e: e["value"].update(text=None),
        lambda e: e["value"]["passes"][0].__setitem__(0, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ],
)
def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, damage: object) -> None:
    cache = DiskCache(tmp_path)
    assert normalise(TEXT, cache).text
    [path] = _entries(tmp_path)
    entry = json.loads(path.read_text())
    damage(entry)  # type: ignore[operator]
    path.write_text(json.dumps(entry))
    _same(TEXT, TEXT, cache)
    assert json.loads(path.read_text())["value"] != entry["value"]  # rewritten


def test_truncated_entry_is_a_miss(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    assert normalise(TEXT, cache).text
    [path] = _entries(tmp_path)
    path.write_bytes(path.read_bytes()[:40])
    _same(TEXT, TEXT, cache)
