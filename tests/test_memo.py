"""The memo of earlier results: a hit is what was stored, anything odd is a miss, and a memo
never makes a run fail."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drafting import memo
from drafting.memo import Memo


def test_a_value_put_and_saved_is_read_back_by_the_next_run(tmp_path: Path) -> None:
    first = Memo("kind", "scope", tmp_path)
    first.put("k", {"outcome": "exact", "n": [1, 2]})
    first.save()
    assert Memo("kind", "scope", tmp_path).get("k") == {"outcome": "exact", "n": [1, 2]}


def test_kinds_and_scopes_do_not_share_entries(tmp_path: Path) -> None:
    first = Memo("kind", "scope", tmp_path)
    first.put("k", 1)
    first.save()
    assert Memo("other", "scope", tmp_path).get("k") is None
    assert Memo("kind", "other", tmp_path).get("k") is None


def test_saving_keeps_only_the_entries_this_run_used_or_added(tmp_path: Path) -> None:
    first = Memo("kind", "scope", tmp_path)
    first.put("old", 1)
    first.put("used", 2)
    first.save()
    second = Memo("kind", "scope", tmp_path)
    assert second.get("used") == 2
    second.put("new", 3)
    second.save()
    third = Memo("kind", "scope", tmp_path)
    assert (third.get("old"), third.get("used"), third.get("new")) == (None, 2, 3)


def test_a_run_that_only_hit_writes_nothing(tmp_path: Path) -> None:
    first = Memo("kind", "scope", tmp_path)
    first.put("k", 1)
    first.save()
    assert first.path is not None
    os.utime(first.path, (0, 0))
    second = Memo("kind", "scope", tmp_path)
    assert second.get("k") == 1
    second.save()
    assert first.path.stat().st_mtime == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b'{"format": 999, "entries": {"k": 1}}', b'{"format": 1, "entries": []}'],
)
def test_a_corrupt_or_foreign_memo_file_is_an_empty_memo(tmp_path: Path, content: bytes) -> None:
    first = Memo("kind", "scope", tmp_path)
    assert first.path is not None
    first.path.parent.mkdir(parents=True)
    first.path.write_bytes(content)
    assert first.get("k") is None
    first.put("k", 2)
    first.save()
    assert Memo("kind", "scope", tmp_path).get("k") == 2


def test_a_folder_that_cannot_be_written_only_means_no_memo(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    stuck = Memo("kind", "scope", blocker)
    stuck.put("k", 1)
    stuck.save()  # no exception
    assert Memo("kind", "scope", blocker).get("k") is None
    assert blocker.read_text() == "not a folder"


def test_draft_no_cache_turns_every_memo_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("DRAFT_NO_CACHE", "1")
    off = Memo("kind", "scope")
    off.put("k", 1)
    off.save()
    assert off.path is None
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("DRAFT_NO_CACHE", "0")
    assert Memo("kind", "scope").path is not None


def test_keys_differ_with_every_part_and_refuse_what_json_cannot_say() -> None:
    assert memo.digest("a", 1) != memo.digest("a", 2)
    assert memo.digest("a", 1) != memo.digest(["a", 1])
    assert memo.digest("a", 1) == memo.digest("a", 1)
    with pytest.raises(TypeError):
        memo.digest(object())


def test_the_memo_file_is_json(tmp_path: Path) -> None:
    first = Memo("kind", "scope", tmp_path)
    first.put("k", "é")
    first.save()
    assert first.path is not None
    assert json.loads(first.path.read_text("utf-8"))["entries"] == {"k": "é"}
