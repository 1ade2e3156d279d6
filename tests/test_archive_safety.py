"""`draft sources archive` keeps evidence safe: no silent replacement, backups, exact entries,
file modes kept, no write outside sources/archive/, write failures as located problems."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_workspace, run_draft

SNAPSHOT = "sources/archive/saratov-leak-2021.txt"


def _archive(ws: Path, *args: str | Path) -> tuple[int, str]:
    cwd = Path.cwd()
    os.chdir(ws)
    try:
        result = run_draft("sources", "archive", *args)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "example", tmp_path / "ws")


def test_archiving_the_same_file_again_changes_nothing(ws: Path) -> None:
    bib = ws / "sources" / "library.bib"
    before = bib.stat().st_mtime_ns, bib.read_bytes()
    code, out = _archive(ws, "saratov-leak-2021", ws / SNAPSHOT)
    assert code == 0, out
    assert "nothing changed" in out
    assert (bib.stat().st_mtime_ns, bib.read_bytes()) == before


def test_a_snapshot_other_than_the_recorded_digest_needs_replace(ws: Path, tmp_path: Path) -> None:
    bib = ws / "sources" / "library.bib"
    before = bib.read_bytes()
    page = tmp_path / "other.html"  # another name: no file is in the way, only the digest
    page.write_text("<p>Another page</p>")
    code, out = _archive(ws, "saratov-leak-2021", page)
    assert code == 1
    assert "error[archive-exists]" in out and "records another snapshot" in out
    assert bib.read_bytes() == before
    assert not (ws / "sources" / "archive" / "saratov-leak-2021.html").exists()


def test_replace_keeps_the_old_snapshot_and_says_where(ws: Path, tmp_path: Path) -> None:
    old = (ws / SNAPSHOT).read_bytes()
    new = tmp_path / "new.txt"
    new.write_bytes(old + b"\nA correction.\n")
    code, out = _archive(ws, "saratov-leak-2021", new, "--replace")
    assert code == 0, out
    (backup,) = (ws / "sources" / "archive").glob("saratov-leak-2021.txt.bak-*")
    assert backup.read_bytes() == old
    assert f"kept the previous snapshot as {backup}" in out
    assert (ws / SNAPSHOT).read_bytes() == new.read_bytes()
    digest = hashlib.sha256(new.read_bytes()).hexdigest()
    assert f"sha256 = {{{digest}}}" in (ws / "sources" / "library.bib").read_text()


def test_two_entries_on_one_line_edit_the_right_one(ws: Path, tmp_path: Path) -> None:
    bib = ws / "sources" / "library.bib"
    bib.write_text(
        bib.read_text() + "@misc{first, title = {First}}  @misc{second, title = {Second}}\n"
    )
    page = tmp_path / "page.txt"
    page.write_text("The second page.\n")
    code, out = _archive(ws, "second", page)
    assert code == 0, out
    line = next(x for x in bib.read_text().splitlines() if x.startswith("@misc{first"))
    assert line.startswith("@misc{first, title = {First}}  @misc{second, title = {Second},")
    assert "archive/second.txt" in bib.read_text().split("@misc{second")[1]
    assert "file" not in bib.read_text().split("@misc{first")[1].split("@misc{second")[0]


def _archive_with_umask(ws: Path, umask: int, *args: str | Path) -> None:
    code = f"import os; os.umask({umask}); import draft; draft.app()"
    subprocess.run(
        [sys.executable, "-c", code, "sources", "archive", *map(str, args)],
        check=True,
        capture_output=True,
        cwd=ws,
    )


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_the_library_keeps_its_mode_and_new_snapshots_follow_the_umask(
    ws: Path, tmp_path: Path, umask: int
) -> None:
    bib = ws / "sources" / "library.bib"
    bib.chmod(0o644)
    page = tmp_path / "page.txt"
    page.write_text("A page.\n")
    bib.write_text(bib.read_text() + "@misc{new-key, title = {New}}\n")
    _archive_with_umask(ws, umask, "new-key", page)
    assert stat.S_IMODE(bib.stat().st_mode) == 0o644
    snapshot = ws / "sources" / "archive" / "new-key.txt"
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o666 & ~umask


def test_a_write_failure_is_a_located_problem(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.txt"
    page.write_text("A page.\n")
    bib = ws / "sources" / "library.bib"
    bib.write_text(bib.read_text() + "@misc{new-key, title = {New}}\n")
    before = bib.read_bytes()
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, out = _archive(ws, "new-key", page)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert code == 1
    assert "error[cannot-write]" in out and "No space left on device" in out
    assert "Traceback" not in out
    assert bib.read_bytes() == before
    assert not list((ws / "sources" / "archive").glob(".*"))


def test_a_key_leading_outside_writes_nothing_anywhere(ws: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("A page.\n")
    bib = ws / "sources" / "library.bib"
    bib.write_text(bib.read_text() + "@misc{../../../escaped, title = {Evil}}\n")
    code, out = _archive(ws, "../../../escaped", page)
    assert code == 1 and "error[unsafe-name]" in out
    assert not list(tmp_path.rglob("escaped*"))
