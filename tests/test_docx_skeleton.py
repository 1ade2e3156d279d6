"""A warm build writes the .docx from the memo of the reference document's parts
(drafting/writers/skeleton.py): the very bytes of a cold build, a changed reference document
or a corrupt memo is a miss, and a warm `draft build` never imports python-docx."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import GOLDEN, REPO, SAMPLE, run_draft
from test_docx_golden import NAMES, _built, _case, _digests, _document, _reference

from drafting.model import Document, Meta, Note, Para, Text
from drafting.problems import DraftError
from drafting.writers import WRITERS, docx, skeleton

SHIPPED = REPO / "templates" / "reference.docx"

MEMOISED = {
    "internal-banner",
    "odd-text",
    "odd-text-dirty-reference",
    "sample-dirty-reference",
    "sample-internal",
    "sample-public",
    "sample-review",  # the brief built alongside the review edition
}
"""The cases whose second build comes from the memo: not the review editions (python-docx
writes the comments; `draft build --review` memoises the brief it also builds), nor a
reference document that puts the namespaces under other prefixes (the writer's text is
grafted through lxml there, so no fixed bytes surround it)."""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A memo folder of the test's own, so the first build is cold."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("DRAFT_NO_CACHE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return folder


def _skeleton_memos(cache: Path) -> list[Path]:
    return [p for p in (cache / "memo").glob(f"{skeleton.KIND}-*.json") if p.is_file()]


@pytest.mark.parametrize("name", NAMES)
def test_cold_and_warm_builds_give_the_golden_bytes(name: str, cache: Path, tmp_path: Path) -> None:
    """Every golden case built twice in one cache: the second build (from the memo where the
    case allows one) gives the same bytes as the first, and both are the golden ones."""
    case = _case(name)
    golden = json.loads((GOLDEN / "docx" / f"{name}.json").read_text(encoding="utf-8"))
    outputs = []
    if "build" in case:
        path = _built(case, tmp_path)
        outputs.append(path.read_bytes())
        outputs.append(_rebuilt(case, tmp_path, path))
    else:
        document, reference = _document(case), _reference(case, tmp_path)
        comments = case.get("comments")
        for _ in range(2):
            outputs.append(docx.write(document, reference, comments))
    assert outputs[0] == outputs[1]
    assert _digests(outputs[1]) == golden
    assert bool(_skeleton_memos(cache)) == (name in MEMOISED)


def _rebuilt(case: dict[str, Any], tmp_path: Path, path: Path) -> bytes:
    """A `build:` case's .docx built again in the same workspace, with the same options."""
    args = [str(a) for a in case["build"].get("args", [])]
    if case.get("reference", "shipped") != "shipped":
        args += ["--reference-doc", str(_reference(case, tmp_path))]
    path.unlink()
    result = run_draft("build", tmp_path / "ws" / "reports" / SAMPLE, "--format", "docx", *args)
    assert result.exit_code == 0, result.stderr
    return path.read_bytes()


def _sample_document(with_url: bool = True) -> Document:
    note = "See https://example.org/a-b." if with_url else "See the report."
    return Document(
        Meta("Title", "Org", None, report="r"),
        (Para((Text("Words"), Note(1, (Text(note),)))),),
    )


def _edit_style(source: Path, target: Path) -> None:
    """`source` with one style changed: the Title style's font size."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                text = data.decode("utf-8")
                start = text.index('w:styleId="Title"')
                end = text.index("</w:style>", start)
                edited = text[start:end].replace('<w:sz w:val="', '<w:sz w:val="9', 1)
                assert edited != text[start:end], "the Title style has a font size to edit"
                data = (text[:start] + edited + text[end:]).encode("utf-8")
            out.writestr(info, data)


def test_a_changed_reference_document_misses(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path with one style edited is another key: the output changes, exactly as a
    build without any memo makes it."""
    reference = tmp_path / "reference.docx"
    shutil.copyfile(SHIPPED, reference)
    document = _sample_document()
    first = WRITERS["docx"](document, reference)
    assert WRITERS["docx"](document, reference) == first  # now from the memo
    edited = tmp_path / "edited.docx"
    _edit_style(SHIPPED, edited)
    shutil.copyfile(edited, reference)
    second = WRITERS["docx"](document, reference)
    assert second != first
    monkeypatch.setenv("DRAFT_NO_CACHE", "1")
    assert WRITERS["docx"](document, reference) == second


def test_a_note_with_a_url_is_another_entry(cache: Path) -> None:
    """Whether a note holds a URL changes the notes' relationships (and may add a style): a
    brief without one after a brief with one gets its own bytes."""
    with_url, without = _sample_document(True), _sample_document(False)
    first = [WRITERS["docx"](doc, SHIPPED) for doc in (with_url, without)]
    second = [WRITERS["docx"](doc, SHIPPED) for doc in (with_url, without)]
    assert first == second
    names = zipfile.ZipFile(io.BytesIO(first[0])).namelist()
    assert "word/_rels/footnotes.xml.rels" in names
    assert "word/_rels/footnotes.xml.rels" not in zipfile.ZipFile(io.BytesIO(first[1])).namelist()


def _corrupt_styles(entries: dict[str, Any]) -> None:
    for value in entries.values():
        if isinstance(value, dict):
            value["note_text"] = 7


def _corrupt_parts_base64(entries: dict[str, Any]) -> None:
    for value in entries.values():
        if isinstance(value, list):
            value[0][2] = "not base64!"


def _corrupt_parts_kind(entries: dict[str, Any]) -> None:
    for value in entries.values():
        if isinstance(value, list):
            value[0][0] = "script"


def _corrupt_parts_shape(entries: dict[str, Any]) -> None:
    for value in entries.values():
        if isinstance(value, list):
            value[0] = value[0][:2]


def _corrupt_everything(entries: dict[str, Any]) -> None:
    for key in entries:
        entries[key] = "ok" if key.endswith("0") else ["x"]


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_styles,
        _corrupt_parts_base64,
        _corrupt_parts_kind,
        _corrupt_parts_shape,
        _corrupt_everything,
    ],
)
def test_a_corrupt_memo_entry_is_a_miss(cache: Path, corrupt: Any) -> None:
    document = _sample_document()
    first = WRITERS["docx"](document, SHIPPED)
    [path] = _skeleton_memos(cache)
    stored = json.loads(path.read_text(encoding="utf-8"))
    corrupt(stored["entries"])
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert WRITERS["docx"](document, SHIPPED) == first
    path.write_text("{not json", encoding="utf-8")
    assert WRITERS["docx"](document, SHIPPED) == first


def test_a_bad_reference_document_is_refused_on_every_run(cache: Path, tmp_path: Path) -> None:
    """Only "ok" is remembered: a reference document that is not a Word document is refused
    every time, and a good one after it at the same path is accepted."""
    reference = tmp_path / "reference.docx"
    reference.write_bytes(b"not a zip")
    for _ in range(2):
        with pytest.raises(DraftError) as raised:
            docx.check_reference(reference)
        assert [p.code for p in raised.value.problems] == ["bad-reference-doc"]
    shutil.copyfile(SHIPPED, reference)
    docx.check_reference(reference)
    docx.check_reference(reference)  # from the memo
    reference.write_bytes(b"not a zip")
    with pytest.raises(DraftError):
        docx.check_reference(reference)


_BUILD_AND_REPORT = """
import sys
from typer.testing import CliRunner
from draft import app
result = CliRunner().invoke(app, ["build", sys.argv[1], "--format", "docx", "-q"])
assert result.exit_code == 0, result.output
print("docx" in sys.modules, "drafting.writers.wordpkg" in sys.modules)
"""


def test_a_warm_build_does_not_import_python_docx(cache: Path, sample: Path) -> None:
    """`draft build` in a fresh interpreter, twice: the first (cold) builds through
    python-docx, the second writes the same .docx without importing it."""
    report = sample / "reports" / SAMPLE
    env = {**os.environ, "DRAFT_CACHE_DIR": str(cache)}
    runs = []
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _BUILD_AND_REPORT, str(report)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        runs.append(done.stdout.split())
        [built] = (sample / "build").glob("*.docx")
        outputs.append(built.read_bytes())
    assert runs == [["True", "True"], ["False", "False"]]
    assert outputs[0] == outputs[1]
