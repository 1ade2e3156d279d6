"""Every example report in the README checks cleanly: what a new user copies must work."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import REPO, run_draft

from drafting.library.bibedit import entry_span
from drafting.load.sources import load_sources
from drafting.load.workspace import find_workspace


def readme_reports() -> list[str]:
    """The ```yaml blocks of the README that are whole reports (they have `sections:`)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", readme, re.M | re.S)
    return [
        b for b in blocks if isinstance(yaml.safe_load(b), dict) and "sections" in yaml.safe_load(b)
    ]


def library_for(keys: set[str], target: Path) -> None:
    """The sample library's entries for `keys` and the sources they rest on (`origin`), with
    their snapshots, copied byte for byte into a new workspace's sources/."""
    sources, _ = load_sources(find_workspace(REPO, report=False))
    wanted, todo = set(), list(keys)
    while todo:
        key = todo.pop()
        if key not in wanted:
            wanted.add(key)
            todo += list(sources[key].origin)
    (target / "archive").mkdir(parents=True)
    entries = []
    for key in sorted(wanted):
        source = sources[key]
        text = source.location.file.read_text(encoding="utf-8")
        span = entry_span(text, source.location.line or 1)
        assert span is not None
        entries.append(text[span.start : span.end + 1])
        if source.snapshot is not None:
            (target / "archive" / source.snapshot.name).write_bytes(source.snapshot.read_bytes())
    (target / "library.bib").write_text("\n\n".join(entries) + "\n", encoding="utf-8")


def test_readme_has_an_example_report() -> None:
    assert readme_reports()


def test_every_readme_example_report_checks_without_warnings(tmp_path: Path) -> None:
    for number, block in enumerate(readme_reports()):
        ws = tmp_path / f"ws{number}"
        report = ws / "reports" / "example"
        report.mkdir(parents=True)
        (report / "report.yaml").write_text(block, encoding="utf-8")
        claims = yaml.safe_load(block)["claims"].values()
        library_for({s["key"] for c in claims for s in c["sources"]}, ws / "sources")
        # The sample library records only what its archived copies show (no URL, no author
        # for the leak report): that is the library's `missing-metadata`, not the example's.
        result = run_draft("check", report, "--strict", "--ignore", "missing-metadata")
        assert result.exit_code == 0, result.stderr
        assert "warning[" not in result.stderr and "error[" not in result.stderr, result.stderr
