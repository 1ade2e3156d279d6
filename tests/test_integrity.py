"""One judgement of whether a snapshot is still what was archived, in the same words for
`sources list`, the review page and the audit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drafting.audit.integrity import STATES, digest_state
from drafting.files import digest
from drafting.model import Location, Source

BYTES = b"The archived words.\n"


def _source(snapshot: Path | None, sha256: str) -> Source:
    return Source("k", "online", Location(Path("library.bib")), snapshot=snapshot, sha256=sha256)


@pytest.mark.parametrize(
    ("setup", "state"),
    [
        ("no file field", "no snapshot"),
        ("file gone", "missing"),
        ("a folder", "missing"),
        ("a named pipe", "missing"),
        ("no digest", "not recorded"),
        ("same bytes", "matches"),
        ("edited", "changed"),
    ],
)
def test_each_state_of_a_snapshot(tmp_path: Path, setup: str, state: str) -> None:
    path = tmp_path / "snap.txt"
    recorded = digest(BYTES)
    if setup == "a folder":
        path.mkdir()
    elif setup == "a named pipe":
        os.mkfifo(path)  # never opened: a FIFO would block
    elif setup != "file gone":
        path.write_bytes(BYTES + (b"x" if setup == "edited" else b""))
    source = _source(
        None if setup == "no file field" else path, "" if setup == "no digest" else recorded
    )
    assert digest_state(source) == state
    assert state in STATES


def test_a_digest_the_caller_computed_is_used_as_given(tmp_path: Path) -> None:
    path = tmp_path / "snap.txt"
    path.write_bytes(BYTES)
    source = _source(path, digest(BYTES))
    assert digest_state(source, digest(BYTES)) == "matches"
    assert digest_state(source, "0" * 64) == "changed"
