"""The openxml-audit oracle bites: it passes what `draft` builds and fails a .docx broken the
ways a writer bug would break it. (Every .docx a test builds is checked with it afterwards:
see the autouse fixture in conftest.py.)"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE, run_draft
from oracles import assert_built_docx_valid, assert_valid_docx, docx_findings


def _rewrite(src: Path, dst: Path, part: str, change: Callable[[str], str]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                changed = change(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), f"the change did not apply to {part}"
                data = changed.encode("utf-8")
            zout.writestr(item, data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_sample

    ws = copy_sample(tmp_path_factory.mktemp("oracle"))
    assert run_draft("build", ws / "reports" / SAMPLE).exit_code == 0
    return ws / "build" / f"{SAMPLE}.docx"


def test_the_sample_brief_has_no_findings(built: Path) -> None:
    assert docx_findings(built) == []
    assert assert_built_docx_valid(built.parent) == 1


BREAKAGES = {
    "dangling footnote reference": (
        "word/document.xml",
        lambda xml: re.sub(r'(<w:footnoteReference w:id=")\d+"', r'\g<1>999"', xml, count=1),
        "Footnote '999' referenced but not found",
    ),
    "unknown element in footnotes.xml": (
        "word/footnotes.xml",
        lambda xml: xml.replace("</w:footnote>", "<w:bogus/></w:footnote>", 1),
        "Element 'bogus' is not a valid choice",
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_docx_has_findings(built: Path, tmp_path: Path, breakage: str) -> None:
    part, change, finding = BREAKAGES[breakage]
    broken = tmp_path / "broken.docx"
    _rewrite(built, broken, part, change)
    findings = docx_findings(broken)
    assert any(finding in f for f in findings), findings
    with pytest.raises(AssertionError, match="openxml-audit"):
        assert_valid_docx(broken)
