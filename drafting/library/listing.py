"""`draft sources list`: the library at a glance, for the people who maintain it.

One row per source: what it is, whether its snapshot is there and still matches its recorded
digest, how many claims of the workspace's reports cite it, and the independent origin it
belongs to (its roots through `origin` links), so a reviewer sees at once which sources
cannot corroborate each other.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from drafting.audit import origins
from drafting.audit.integrity import MISSING, NO_SNAPSHOT, digest_state
from drafting.load.claims import load_report
from drafting.load.workspace import Workspace
from drafting.model import Source
from drafting.problems import DraftError


@dataclass(frozen=True, slots=True)
class SourceRow:
    key: str
    title: str
    outlet: str
    date: str
    snapshot: str
    """"present", "missing", or "none" (no `file` field)."""
    digest: str
    """`audit.integrity.STATES`: "matches", "changed", "not recorded", "no snapshot",
    "missing", "unreadable" (the words of `draft check` and the review page too)."""
    cited_by: int
    """Claims, across the workspace's reports, that cite this source."""
    origin: str
    """The roots this source rests on, joined with "+": equal strings are one origin."""


def list_sources(workspace: Workspace, sources: Mapping[str, Source]) -> list[SourceRow]:
    counts = _citing_claims(workspace)
    return [_row(source, sources, counts[key]) for key, source in sorted(sources.items())]


def _row(source: Source, sources: Mapping[str, Source], cited_by: int) -> SourceRow:
    state = digest_state(source)
    snapshot = {NO_SNAPSHOT: "none", MISSING: "missing"}.get(state, "present")
    return SourceRow(
        key=source.key,
        title=source.title,
        outlet=source.container or source.publisher,
        date=source.date.iso() if source.date else "",
        snapshot=snapshot,
        digest=state,
        cited_by=cited_by,
        origin="+".join(sorted(origins.roots(source.key, sources))),
    )


def _citing_claims(workspace: Workspace) -> Counter[str]:
    """How many claims cite each key, over every report that loads (broken ones are skipped:
    `draft check` is where their problems are reported)."""
    counts: Counter[str] = Counter()
    for report_dir in sorted((workspace.root / "reports").glob("*/")):
        try:
            report = load_report(report_dir, workspace)
        except DraftError:
            continue
        for claim in report.claims.values():
            for key in dict.fromkeys(ref.key for ref in claim.sources):
                counts[key] += 1
    return counts


def to_table(rows: list[SourceRow]) -> str:
    """A plain-text table, one row per source, widths fitted to the content."""
    header = ("key", "title", "outlet", "date", "snapshot", "digest", "cited by", "origin")
    cells = [header] + [
        (r.key, _cut(r.title), _cut(r.outlet, 24), r.date, r.snapshot, r.digest,
         str(r.cited_by), r.origin)
        for r in rows
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def to_json(rows: list[SourceRow]) -> str:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) + "\n"


def _cut(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["SourceRow", "list_sources", "to_json", "to_table"]
