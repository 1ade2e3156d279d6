"""Nothing lost: atomic writes, the edited-output guard, reproducible builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_draft

from drafting.files import digest
from drafting.output import atomic as output
from drafting.output.guard import MANIFEST
from drafting.writers import WRITERS


def _build(example: Path, *args: str | Path) -> tuple[int, str]:
    result = run_draft("build", example / "reports" / "example", *args)
    return result.exit_code, result.stdout + result.stderr


def _outputs(example: Path) -> dict[str, bytes]:
    build = example / "build"
    return {p.name: p.read_bytes() for p in sorted(build.iterdir())}


def _with_changed_claim(example: Path) -> None:
    report = example / "reports" / "example" / "report.yaml"
    report.write_text(report.read_text().replace("Eighteen prison", "Eighteen (18) prison"))


# --------------------------------------------------------------------------- atomic writes


def test_a_writer_failing_after_another_succeeded_replaces_nothing(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _build(example)[0] == 0
    before = _outputs(example)
    _with_changed_claim(example)

    def broken(*_args: object) -> bytes:
        raise RuntimeError("injected failure in the docx writer")

    # md is produced first (dict order), then docx fails
    monkeypatch.setitem(WRITERS, "docx", broken)
    with pytest.raises(RuntimeError, match="injected"):
        _build(example)
    assert _outputs(example) == before


def test_a_rename_failing_on_the_second_file_restores_the_first(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _build(example)[0] == 0
    before = _outputs(example)
    _with_changed_claim(example)
    real_replace = Path.replace
    calls: list[Path] = []

    build = (example / "build").resolve()

    def flaky(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target).resolve().parent == build:  # the outputs, not the memo's own files
            calls.append(Path(target))
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    code, out = _build(example)
    monkeypatch.undo()
    assert code == 1
    assert "error[cannot-write]" in out and "No space left on device" in out
    assert _outputs(example) == before, "old outputs intact, no temporary file left"


def test_write_all_leaves_no_temporary_file_when_staging_fails(tmp_path: Path) -> None:
    good = tmp_path / "a.md"
    good.write_bytes(b"old")
    blocked = tmp_path / "file" / "b.docx"  # its folder is a file: cannot be created
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OSError):
        output.write_all({good: b"new", blocked: b"new"})
    assert good.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "file"]


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(
    example: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    code, out = _build(example, "--out", blocker / "build")
    assert code == 1
    assert "error[cannot-write]" in out and "--out" in out
    assert "Traceback" not in out


# --------------------------------------------------------------------------- the manifest


def test_the_manifest_records_each_output(example: Path) -> None:
    assert _build(example)[0] == 0
    manifest = json.loads((example / "build" / MANIFEST).read_text())
    assert manifest["draft_version"]
    for name in ("example.md", "example.docx"):
        entry = manifest["files"][name]
        assert entry == {
            "sha256": digest((example / "build" / name).read_bytes()),
            "report": "example",
        }


def test_an_edited_output_is_not_overwritten(example: Path) -> None:
    assert _build(example)[0] == 0
    edited = example / "build" / "example.docx"
    edited.write_bytes(edited.read_bytes() + b"edited in Word")
    before = _outputs(example)
    _with_changed_claim(example)
    code, out = _build(example)
    assert code == 1
    assert "error[output-edited]" in out and "example.docx" in out and "--force" in out
    assert _outputs(example) == before, "nothing at all is written, not even the .md"


def test_force_overwrites_an_edited_output_after_a_backup(example: Path) -> None:
    assert _build(example)[0] == 0
    edited = example / "build" / "example.md"
    edited.write_text("my edits\n")
    _with_changed_claim(example)
    assert _build(example, "--force")[0] == 0
    assert "Eighteen (18) prison" in edited.read_text()
    (backup,) = (example / "build").glob("example.md.bak-*")
    assert backup.read_text() == "my edits\n"
    # a second forced build within the same second never overwrites the first backup
    edited.write_text("more edits\n")
    assert _build(example, "--force")[0] == 0
    backups = sorted(p.read_text() for p in (example / "build").glob("example.md.bak-*"))
    assert backups == ["more edits\n", "my edits\n"]


def test_an_output_draft_did_not_write_counts_as_edited(example: Path) -> None:
    (example / "build").mkdir()
    (example / "build" / "example.md").write_text("a file someone made\n")
    code, out = _build(example)
    assert code == 1 and "error[output-edited]" in out
    assert (example / "build" / "example.md").read_text() == "a file someone made\n"


def test_unchanged_outputs_are_rebuilt_and_other_reports_stay_recorded(example: Path) -> None:
    assert _build(example)[0] == 0
    manifest = example / "build" / MANIFEST
    data = json.loads(manifest.read_text())
    data["files"]["other.md"] = {"sha256": "0" * 64, "report": "other"}
    manifest.write_text(json.dumps(data))
    _with_changed_claim(example)
    assert _build(example)[0] == 0
    assert "other.md" in json.loads(manifest.read_text())["files"]


# --------------------------------------------------------------------------- reproducibility


def _build_in_subprocess(ws: Path, out: Path, seed: str, epoch: str | None) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONHASHSEED"] = seed
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    code = "import draft; draft.app()"
    subprocess.run(
        [sys.executable, "-c", code, "build", str(ws / "reports" / "example"), "--out", str(out)],
        check=True,
        capture_output=True,
        env=env,
    )
    return {name: (out / name).read_bytes() for name in ("example.docx", "example.md")}


@pytest.mark.parametrize(
    ("date", "epoch", "year"),
    [("2021-11-25", None, 2021), (None, "1700000000", 2023), (None, None, 1980)],
    ids=["report-date", "source-date-epoch", "no-date"],
)
def test_separate_processes_give_identical_bytes(
    example: Path, tmp_path: Path, date: str | None, epoch: str | None, year: int
) -> None:
    report = example / "reports" / "example" / "report.yaml"
    if date is None:
        report.write_text(report.read_text().replace("date: 2021-11-25\n", ""))
    first = _build_in_subprocess(example, tmp_path / "a", "1", epoch)
    second = _build_in_subprocess(example, tmp_path / "b", "2", epoch)
    assert first == second
    import docx

    created = docx.Document(str(tmp_path / "a" / "example.docx")).core_properties.created
    assert created is not None and created.year == year
