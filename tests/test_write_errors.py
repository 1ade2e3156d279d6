"""A failed write is `cannot-write` because the output stage says so, not by where it was
raised; any other `OSError` is a file that cannot be read."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from drafting.files import os_problem
from drafting.output.atomic import write_atomic
from drafting.output.errors import OutputWriteError


def test_a_write_under_a_file_is_an_output_error_with_its_number_and_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "build").write_text("a file where the output folder should be")
    target = tmp_path / "build" / "brief.md"
    with pytest.raises(OutputWriteError) as raised:
        write_atomic(target, b"text")
    assert raised.value.errno in (errno.ENOTDIR, errno.EEXIST)
    assert raised.value.filename is not None
    assert isinstance(raised.value, OSError)  # existing `except OSError` handlers still apply
    problem = os_problem(raised.value)
    assert problem.code == "cannot-write"
    assert "--out" in problem.message


def test_the_same_error_raised_while_reading_is_an_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "claims.yaml"
    with pytest.raises(OSError) as raised:
        missing.read_bytes()
    assert not isinstance(raised.value, OutputWriteError)
    assert os_problem(raised.value).code != "cannot-write"


def test_the_kind_of_error_decides_not_the_code_that_raised_it() -> None:
    """An output error re-raised far from the output stage (a thread, a retry) keeps its
    meaning: no traceback frames are consulted."""
    full = OutputWriteError(errno.ENOSPC, "No space left on device", "build/brief.docx")
    assert os_problem(full).code == "cannot-write"
    assert "No space left on device" in os_problem(full).message
