"""A `Verification` as text (one line a finding), JSON, Markdown or GitHub annotations.

Word-level diffs are written `[-old words-]{+new words+}` (as `git diff --word-diff`).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drafting.audit.annotations import github_escape
from drafting.audit.formats import cell as _cell
from drafting.problems import display_path
from drafting.verify.compare import CHANGES, Added, ClaimResult, Comment, Verification

JSON_VERSION = 1


def word_diff(old: str, new: str) -> str:
    a, b = old.split(), new.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def claim_findings(claim: ClaimResult) -> Iterator[tuple[str, str]]:
    """(kind, plain-words message) for each thing to review about a claim."""
    for change in claim.changes:
        yield change, _change_message(claim, change)
    if claim.fact_base == "changed":
        parts = []
        if claim.current_text != claim.built_text:
            parts.append("text " + word_diff(claim.built_text, claim.current_text))
        if claim.current_note != claim.built_note:
            parts.append("footnote " + word_diff(claim.built_note, claim.current_note))
        yield (
            "fact-base-changed",
            (
                f"the fact base changed since the build ({'; '.join(parts)}); rebuild the brief "
                "or bring the document in line"
            ),
        )
    elif claim.fact_base == "removed":
        yield (
            "fact-base-removed",
            (
                "the report no longer places this claim; remove it from the document or put it "
                "back in report.yaml"
            ),
        )
    if claim.pending:
        yield "pending", "tracked changes in the claim or its footnote are not yet accepted"
    if claim.hedge_lost:
        yield (
            "unhedged",
            (
                "the claim is 'alleged' but the new wording no longer attributes it (e.g. "
                "'according to'); keep an attribution"
            ),
        )


def _change_message(claim: ClaimResult, change: str) -> str:
    side = f" ({claim.side} changed)" if claim.fact_base else ""
    lost = " (its bookmark was lost; found by its words)" if claim.found_by_words else ""
    if change == "edited":
        return f"reworded{side}{lost}: {word_diff(claim.built_text, claim.text)}"
    if change == "footnote-changed":
        return f"footnote changed{lost}: {word_diff(claim.built_note, claim.note)}"
    if change == "footnote-removed":
        return f"its footnote was removed{lost} (it was: {claim.built_note})"
    if change == "missing":
        return f"deleted from the document (it read: {claim.built_text})"
    return "moved: the claims around it are no longer in the built order"


def _added_message(item: Added) -> str:
    if item.kind == "unlinked":
        return (
            f"new text with a footnote that is not a claim of the fact base: {item.text} "
            f"(footnote: {item.note}); add it as a claim in the YAML"
        )
    return (
        f"new text without a source: {item.text}; add it as a claim with a source, or as "
        "organisation text in report.yaml"
    )


def _comment_message(comment: Comment) -> str:
    on = ", ".join(f"claim '{c}'" for c in comment.claims) or f"“{comment.anchor}”"
    who = comment.author or "someone"
    return f"comment by {who} on {on}: {comment.text}"


def summary(result: Verification) -> str:
    counts = {c: sum(c in r.changes for r in result.claims) for c in CHANGES}
    unchanged = sum(not r.changes for r in result.claims)
    parts = [f"{len(result.claims)} claim(s): {unchanged} unchanged"]
    parts += [f"{n} {c}" for c, n in counts.items() if n]
    if result.compared_with_fact_base:
        moved_on = sum(bool(r.fact_base) for r in result.claims)
        parts.append(f"{moved_on} changed in the fact base since the build")
    unattributed = sum(a.kind == "unattributed" for a in result.added)
    unlinked = len(result.added) - unattributed
    line = ", ".join(parts) + f"; {unattributed} unattributed, {unlinked} unlinked"
    line += f"; {result.pending} tracked change(s) pending; {len(result.comments)} comment(s)."
    verdict = "needs review" if result.needs_review else "nothing to review"
    return f"{line} {verdict.capitalize()}."


def to_text(result: Verification, base: Path | None = None) -> str:
    where = display_path(result.docx.resolve(), base)
    lines = [
        f"{where}: built from report '{result.report}' on {result.built}"
        + ("; compared with the current fact base" if result.compared_with_fact_base else "")
    ]
    for claim in result.claims:
        for kind, message in claim_findings(claim):
            lines.append(f"{where}: {kind}: claim '{claim.id}': {message}")
    for item in result.added:
        lines.append(f"{where}: {item.kind}: paragraph {item.paragraph}: {_added_message(item)}")
    if result.pending:
        lines.append(
            f"{where}: pending: {result.pending} tracked change(s) not yet accepted or "
            "rejected; this report reads the document as if they were accepted"
        )
    for id_ in result.new_in_fact_base:
        lines.append(
            f"{where}: fact-base-added: claim '{id_}': placed by the report but not in this "
            "document; rebuild the brief"
        )
    for comment in result.comments:
        lines.append(f"{where}: comment: {_comment_message(comment)}")
    lines += list(_adoptions(result, base))
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _adoptions(result: Verification, base: Path | None) -> Iterator[str]:
    for claim in result.claims:
        if not claim.adopt:
            continue
        at = ""
        if claim.defined_at is not None:
            at = f" ({display_path(claim.defined_at.file, base)}:{claim.defined_at.line})"
        yield ""
        yield f"To adopt the new wording of '{claim.id}', replace its text{at} with:"
        yield from ("    " + line for line in claim.adopt.splitlines())
        yield from ("  " + line for line in _quote_lines(claim))


def _quote_lines(claim: ClaimResult) -> Iterator[str]:
    for q in claim.quotes:
        trend = "fewer than before" if q.carried_after < q.carried_before else "as many or more"
        yield (
            f"quote from '{q.key}' ({q.outcome} in its snapshot): the new wording carries "
            f"{q.carried_after} of its {q.words} words, {trend} (was {q.carried_before})"
        )
    if claim.hedge_lost:
        yield "status 'alleged': the new wording has no attribution; add one before adopting"


def to_json(result: Verification, root: Path | None = None) -> str:
    data: dict[str, Any] = {
        "version": JSON_VERSION,
        "docx": display_path(result.docx.resolve(), root),
        "report": result.report,
        "built": result.built,
        "compared_with_fact_base": result.compared_with_fact_base,
        "needs_review": result.needs_review,
        "pending": result.pending,
        "claims": [_claim_json(c, root) for c in result.claims],
        "added": [
            {
                "kind": a.kind,
                "text": a.text,
                "paragraph": a.paragraph,
                "note": a.note,
                "pending": a.pending,
            }
            for a in result.added
        ],
        "new_in_fact_base": list(result.new_in_fact_base),
        "comments": [
            {
                "id": c.id,
                "author": c.author,
                "date": c.date,
                "text": c.text,
                "claims": list(c.claims),
                "anchor": c.anchor,
            }
            for c in result.comments
        ],
        "summary": summary(result),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _claim_json(claim: ClaimResult, root: Path | None) -> dict[str, Any]:
    return {
        "id": claim.id,
        "bookmark": claim.bookmark,
        "status": "unchanged" if not claim.changes else claim.changes[0],
        "changes": list(claim.changes),
        "side": claim.side,
        "pending": claim.pending,
        "found_by_words": claim.found_by_words,
        "built_text": claim.built_text,
        "text": claim.text,
        "built_note": claim.built_note,
        "note": claim.note,
        "diff": word_diff(claim.built_text, claim.text) if "edited" in claim.changes else "",
        "note_diff": word_diff(claim.built_note, claim.note)
        if "footnote-changed" in claim.changes
        else "",
        "fact_base": claim.fact_base,
        "current_text": claim.current_text,
        "current_note": claim.current_note,
        "adopt": claim.adopt,
        "defined_at": (
            {"file": display_path(claim.defined_at.file, root), "line": claim.defined_at.line}
            if claim.defined_at
            else None
        ),
        "quotes": [
            {
                "key": q.key,
                "quote": q.quote,
                "outcome": q.outcome,
                "words": q.words,
                "carried_before": q.carried_before,
                "carried_after": q.carried_after,
            }
            for q in claim.quotes
        ],
        "hedge_lost": claim.hedge_lost,
    }


def to_markdown(result: Verification, root: Path | None = None) -> str:
    name = display_path(result.docx.resolve(), root)
    out = [
        f"# Verification of `{name}`",
        "",
        f"Built from report `{result.report}` on {result.built}."
        + (" Compared with the current fact base." if result.compared_with_fact_base else ""),
        "",
        summary(result),
        "",
        "| claim | status | details |",
        "|---|---|---|",
    ]
    for claim in result.claims:
        findings = list(claim_findings(claim))
        status = ", ".join(k for k, _ in findings) or "unchanged"
        details = "<br>".join(_cell(m) for _, m in findings)
        out.append(f"| `{claim.id}` | {status} | {details} |")
    if result.added:
        out += ["", "## Text without a claim", "", "| paragraph | kind | text |", "|---|---|---|"]
        out += [f"| {a.paragraph} | {a.kind} | {_cell(a.text)} |" for a in result.added]
    if result.comments:
        out += ["", "## Comments", ""]
        out += [f"- {_cell(_comment_message(c))}" for c in result.comments]
    adoptions = [c for c in result.claims if c.adopt]
    if adoptions:
        out += ["", "## Adopting the new wording", ""]
        for claim in adoptions:
            # a fence longer than any run of backticks in the text, so it cannot be closed early
            fence = "`" * max([3, *(len(run) + 1 for run in re.findall("`+", claim.adopt))])
            out += [f"`{claim.id}`:", "", f"{fence}yaml", claim.adopt.rstrip(), fence, ""]
            out += [f"- {line.strip()}" for line in _quote_lines(claim)]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_github(result: Verification, root: Path | None = None) -> str:
    """`::warning file=...::...` lines, one per finding, for GitHub Actions annotations."""
    name = github_escape(display_path(result.docx.resolve(), root), prop=True)
    lines = []
    for claim in result.claims:
        for kind, message in claim_findings(claim):
            title = github_escape(f"{kind}: claim {claim.id}", prop=True)
            lines.append(f"::warning file={name},title={title}::{github_escape(message)}")
    for item in result.added:
        title = github_escape(f"{item.kind}: paragraph {item.paragraph}", prop=True)
        lines.append(f"::warning file={name},title={title}::{github_escape(_added_message(item))}")
    if result.pending:
        message = f"{result.pending} tracked change(s) not yet accepted or rejected"
        lines.append(f"::warning file={name},title=pending::{message}")
    for comment in result.comments:
        lines.append(
            f"::notice file={name},title=comment::{github_escape(_comment_message(comment))}"
        )
    lines.append(f"::notice file={name},title=summary::{github_escape(summary(result))}")
    return "\n".join(lines) + "\n"
