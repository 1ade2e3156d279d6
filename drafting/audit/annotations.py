"""The audit for CI dashboards: GitHub workflow annotations and SARIF 2.1.0.

GitHub reads `::error file=…,line=…,col=…,title=…::message` lines from a step's output and
shows them on the pull request's diff. SARIF is the format code-scanning dashboards (GitHub
code scanning, GitLab, Azure DevOps) import. Both name files relative to the workspace root,
which is the repository root in the usual set-up; accepted problems are left out of the
annotations (they need no one's attention) and marked as suppressed in SARIF.
"""

from __future__ import annotations

import json
from typing import Any

from drafting import __version__
from drafting.audit.checks import Audit, Finding
from drafting.problems import display_path

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def to_github(audit: Audit) -> str:
    """One workflow command a problem; the message's own newlines and % are escaped."""
    lines = [_annotation(f, audit) for f in audit.findings if not f.accepted]
    return "".join(line + "\n" for line in lines)


def _annotation(finding: Finding, audit: Audit) -> str:
    problem = finding.problem
    props = [f"title={github_escape(f'draft {problem.code}', prop=True)}"]
    if problem.location is not None:
        where = display_path(problem.location.file, audit.workspace.root)
        props.insert(0, f"file={github_escape(where, prop=True)}")
        if problem.location.line is not None:
            props.insert(1, f"line={problem.location.line}")
            if problem.location.column is not None:
                props.insert(2, f"col={problem.location.column}")
    message = problem.format(audit.workspace.root)
    return f"::{problem.severity} {','.join(props)}::{github_escape(message)}"


def github_escape(text: str, *, prop: bool = False) -> str:
    """GitHub's escaping for workflow command data (actions/toolkit, command.ts), and with
    `prop` for property values (file=, title=), where ':' and ',' are separators."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def to_sarif(audit: Audit) -> str:
    """A SARIF 2.1.0 log with one run: one rule per problem code, one result per problem."""
    codes = sorted({f.problem.code for f in audit.findings})
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "draft",
                "version": __version__,
                "rules": [{"id": code, "name": code} for code in codes],
            }
        },
        "results": [_result(f, audit, codes.index(f.problem.code)) for f in audit.findings],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _result(finding: Finding, audit: Audit, rule_index: int) -> dict[str, Any]:
    problem = finding.problem
    result: dict[str, Any] = {
        "ruleId": problem.code,
        "ruleIndex": rule_index,
        "level": problem.severity,
        "message": {"text": problem.format(audit.workspace.root)},
    }
    if problem.location is not None:
        region: dict[str, int] = {}
        if problem.location.line is not None:
            region["startLine"] = problem.location.line
            if problem.location.column is not None:
                region["startColumn"] = problem.location.column
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": display_path(problem.location.file, audit.workspace.root)}
        }
        if region:
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
    if finding.accepted:
        result["suppressions"] = [{"kind": "inSource", "justification": "accepted (ignore)"}]
    return result
