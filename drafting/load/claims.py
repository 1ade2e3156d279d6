"""reports/NAME/report.yaml (and the claim files it names) -> `Report`.

YAML is parsed safely (`yamlfile`), then every field is checked by hand against a small
schema, so that a typo (`soruces:`) or a wrong type (`status: 3`) gets a message that names
the file, the line, the claim and the fix, and all such problems come out together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from drafting.files import refusal
from drafting.load.workspace import Workspace
from drafting.load.yamlfile import YamlDoc, YamlPath, load
from drafting.model import (
    STATUSES,
    Claim,
    ClaimUse,
    Location,
    OrgText,
    Part,
    Report,
    Section,
    SourceRef,
)
from drafting.problems import DraftError, Problem, did_you_mean, error, fail, has_errors
from drafting.text import fold_whitespace, xml_safe_reported

REPORT_FIELDS = (
    "title",
    "subtitle",
    "organisation",
    "date",
    "style",
    "style_options",
    "sections",
    "claims",
)
SECTION_FIELDS = ("heading", "paragraphs")
CLAIM_FIELDS = ("text", "status", "sources", "ignore", "confidential")
SOURCE_REF_FIELDS = ("key", "quote", "translation", "locator", "quoted_in")
CLAIM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


@dataclass(slots=True)
class _Reader:
    """Validation state for one report: the problems found so far."""

    workspace: Workspace
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, message: str, where: Location, **who: str) -> None:
        self.problems.append(error(code, message, where, **who))


def load_report(
    report_dir: Path, workspace: Workspace, warnings: list[Problem] | None = None
) -> Report:
    """Load and validate a report; raise `DraftError` listing every problem found.

    Warnings (the report still builds) are appended to `warnings` when it is given.
    """
    path = report_dir / "report.yaml"
    refused = refusal(path)
    if refused is not None and refused.code == "missing-file":
        raise fail(
            "no-report",
            f"no report.yaml in {report_dir}; a report folder must hold a report.yaml "
            "(see the example in the README)",
            Location(report_dir.resolve()),
        )
    if refused is not None:  # a folder, a FIFO, a dangling link, ...
        raise DraftError([refused])
    doc = load(path.resolve())
    reader = _Reader(workspace)
    report = _report(doc, report_dir.resolve().name, reader)
    if has_errors(reader.problems) or report is None:
        raise DraftError(reader.problems)
    if warnings is not None:
        warnings.extend(reader.problems)
    return report


LATEST_YEAR = 2107
"""Zip archives (a .docx is one) store years 1980-2107."""


def _report(doc: YamlDoc, name: str, r: _Reader) -> Report | None:
    data = doc.data
    if not isinstance(data, dict):
        r.error(
            "wrong-type", "report.yaml must be a set of fields (title:, sections:, ...)", doc.at(())
        )
        return None
    _unknown_fields(data, REPORT_FIELDS, (), doc, r, "report")
    title = _string(data, "title", (), doc, r, required=True)
    date = data.get("date")
    if date is not None and not isinstance(date, dt.date):
        r.error(
            "bad-date",
            f"date {date!r} is not a date; write it as YYYY-MM-DD, e.g. 2021-11-25",
            doc.at(("date",)),
        )
        date = None
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, dt.date) and date.year > LATEST_YEAR:
        r.error(
            "bad-date",
            f"date {date.isoformat()} is after {LATEST_YEAR}, the last year a Word file can "
            "record; check the year",
            doc.at(("date",)),
        )
        date = None
    claims = _claims_field(data.get("claims"), doc, r)
    sections = _sections(data.get("sections"), doc, r)
    return Report(
        name=name,
        location=Location(doc.path),
        title=title,
        subtitle=_string(data, "subtitle", (), doc, r),
        organisation=_string(data, "organisation", (), doc, r),
        date=date,
        style=_string(data, "style", (), doc, r) or "chicago-note",
        style_options=_style_options(data.get("style_options"), doc, r),
        sections=sections,
        claims=MappingProxyType(claims),
    )


def _style_options(value: Any, doc: YamlDoc, r: _Reader) -> Mapping[str, str | int | float | bool]:
    """`style_options: {ibid: true}`: plain values only, handed to the style as `options`."""
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        r.error(
            "wrong-type",
            "'style_options:' must be a set of fields, e.g. 'style_options: {ibid: true}'",
            doc.at(("style_options",)),
        )
        return MappingProxyType({})
    options: dict[str, str | int | float | bool] = {}
    for key, option in value.items():
        if not isinstance(option, str | int | float | bool):
            r.error(
                "wrong-type",
                f"style option '{key}' must be text, a number or yes/no, not {_kind(option)}",
                doc.at(("style_options", str(key))),
            )
            continue
        options[str(key)] = option
    return MappingProxyType(options)


def _sections(value: Any, doc: YamlDoc, r: _Reader) -> tuple[Section, ...]:
    if value is None:
        r.error(
            "no-sections", "the report has no 'sections:'; add at least one section", doc.at(())
        )
        return ()
    if not isinstance(value, list):
        r.error(
            "wrong-type",
            "'sections:' must be a list of sections, each starting with '- heading:'",
            doc.at(("sections",)),
        )
        return ()
    sections = []
    for i, item in enumerate(value):
        path: YamlPath = ("sections", i)
        if not isinstance(item, dict):
            r.error("wrong-type", "a section must have 'heading:' and 'paragraphs:'", doc.at(path))
            continue
        _unknown_fields(item, SECTION_FIELDS, path, doc, r, "section")
        heading = _string(item, "heading", path, doc, r, required=True)
        paragraphs = _paragraphs(item.get("paragraphs"), (*path, "paragraphs"), doc, r)
        sections.append(Section(heading, paragraphs, doc.at(path)))
    return tuple(sections)


def _paragraphs(
    value: Any, path: YamlPath, doc: YamlDoc, r: _Reader
) -> tuple[tuple[Part, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.error(
            "wrong-type",
            "'paragraphs:' must be a list; start each paragraph with '- '",
            doc.at(path),
        )
        return ()
    paragraphs = []
    for i, item in enumerate(value):
        parts = item if isinstance(item, list) else [item]
        paragraph = [
            part
            for j, raw in enumerate(parts)
            if (part := _part(raw, (*path, i, j) if isinstance(item, list) else (*path, i), doc, r))
        ]
        paragraphs.append(tuple(paragraph))
    return tuple(paragraphs)


def _part(raw: Any, path: YamlPath, doc: YamlDoc, r: _Reader) -> Part | None:
    if isinstance(raw, str):
        return ClaimUse(raw, doc.at(path))
    if (
        isinstance(raw, dict)
        and set(raw) == {"organisation"}
        and isinstance(raw["organisation"], str)
    ):
        where = doc.at((*path, "organisation"))
        return OrgText(_safe(_clean(raw["organisation"]), where, r), where)
    if isinstance(raw, dict):
        wrong = [k for k in raw if k != "organisation"]
        hint = did_you_mean(str(wrong[0]), ("organisation",)) if wrong else ""
        r.error(
            "bad-paragraph",
            f"a paragraph part is either a claim id or 'organisation: text'{hint}",
            doc.at(path, key=True),
        )
        return None
    r.error(
        "bad-paragraph", f"{raw!r} is neither a claim id nor 'organisation: text'", doc.at(path)
    )
    return None


def _claims_field(value: Any, doc: YamlDoc, r: _Reader) -> dict[str, Claim]:
    """`claims:` is a mapping of claims, or a list of claim files (relative to the report)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return _claim_map(value, ("claims",), doc, r)
    if not isinstance(value, list):
        r.error(
            "wrong-type",
            "'claims:' must be the claims themselves or a list of claim files",
            doc.at(("claims",)),
        )
        return {}
    claims: dict[str, Claim] = {}
    for i, item in enumerate(value):
        where = doc.at(("claims", i))
        if isinstance(item, dict):
            more = _claim_map(item, ("claims", i), doc, r)
        elif isinstance(item, str):
            more = _claim_file(item, where, r)
        else:
            r.error("wrong-type", "each entry of 'claims:' must be a file name", where)
            continue
        for claim_id, claim in more.items():
            if claim_id in claims:
                r.error(
                    "duplicate-claim",
                    f"claim '{claim_id}' is defined twice (also at "
                    f"{claims[claim_id].location.file.name}:{claims[claim_id].location.line})",
                    claim.location,
                    claim=claim_id,
                )
            claims[claim_id] = claim
    return claims


def _claim_file(name: str, where: Location, r: _Reader) -> dict[str, Claim]:
    path = where.file.parent / name
    refused = refusal(path, where)  # first: a link loop or a NUL cannot even be resolved
    if refused is not None and refused.code != "missing-file":
        r.problems.append(refused)
        return {}
    if Path(name).is_absolute() or not r.workspace.contains(path):
        r.error(
            "path-outside-workspace",
            f"claim file '{name}' is outside the workspace; "
            "keep claim files inside the workspace folder",
            where,
        )
        return {}
    if refused is not None:
        r.error("missing-file", f"claim file '{name}' does not exist (looked for {path})", where)
        return {}
    try:
        doc = load(path.resolve())
    except DraftError as exc:
        r.problems.extend(exc.problems)
        return {}
    data = doc.data
    root: YamlPath = ()
    if isinstance(data, dict) and set(data) == {"claims"}:
        data, root = data["claims"], ("claims",)
    if not isinstance(data, dict):
        r.error("wrong-type", "a claims file must map claim ids to claims", doc.at(root))
        return {}
    return _claim_map(data, root, doc, r)


def _claim_map(data: dict[Any, Any], root: YamlPath, doc: YamlDoc, r: _Reader) -> dict[str, Claim]:
    claims = {}
    for claim_id, body in data.items():
        claim = _claim(str(claim_id), body, (*root, str(claim_id)), doc, r)
        if claim is not None:
            claims[claim.id] = claim
    return claims


def _claim(claim_id: str, body: Any, path: YamlPath, doc: YamlDoc, r: _Reader) -> Claim | None:
    where = doc.at(path, key=True)
    if not CLAIM_ID.match(claim_id):
        r.error(
            "bad-claim-id",
            f"claim id '{claim_id}' may only use letters, digits, '-' and '_'",
            where,
            claim=claim_id,
        )
    if isinstance(body, str):
        r.error(
            "wrong-type",
            "a claim needs fields: 'text:' and 'sources:' (indented under the claim id)",
            where,
            claim=claim_id,
        )
        return None
    if not isinstance(body, dict):
        kind = "a list" if isinstance(body, list) else f"{type(body).__name__}"
        r.error(
            "wrong-type",
            f"a claim must be a set of fields (text:, sources:), not {kind}; "
            "remove the '- ' in front of the fields",
            where,
            claim=claim_id,
        )
        return None
    _unknown_fields(body, CLAIM_FIELDS, path, doc, r, "claim", claim=claim_id)
    status = body.get("status", "reported")
    if status not in STATUSES:
        r.error(
            "bad-status",
            f"status {status!r} is not one of {', '.join(STATUSES)}"
            f"{did_you_mean(str(status), STATUSES)}",
            doc.at((*path, "status")),
            claim=claim_id,
        )
        status = "reported"
    return Claim(
        id=claim_id,
        text=_string(body, "text", path, doc, r, required=True, claim=claim_id),
        location=where,
        status=status,
        sources=_source_refs(body.get("sources"), (*path, "sources"), doc, r, claim_id),
        ignore=_string_list(body.get("ignore"), (*path, "ignore"), doc, r, claim_id),
        confidential=_flag(body, "confidential", path, doc, r, claim_id),
    )


def _flag(
    data: Mapping[str, Any], key: str, path: YamlPath, doc: YamlDoc, r: _Reader, claim_id: str
) -> bool:
    """A yes/no field; anything but true/false is refused rather than guessed."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        r.error(
            "wrong-type",
            f"'{key}:' must be true or false, not {value!r}",
            doc.at((*path, key)),
            claim=claim_id,
        )
        return True  # the safe side: an unreadable flag keeps the claim out of public editions
    return value


def _source_refs(
    value: Any, path: YamlPath, doc: YamlDoc, r: _Reader, claim_id: str
) -> tuple[SourceRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    refs = []
    for i, item in enumerate(value):
        at = (*path, i)
        if isinstance(item, str):
            refs.append(SourceRef(item, doc.at(at)))
            continue
        if not isinstance(item, dict):
            r.error(
                "wrong-type",
                "each source must be a citation key or '- key: ...' with quote: and locator:",
                doc.at(at),
                claim=claim_id,
            )
            continue
        _unknown_fields(item, SOURCE_REF_FIELDS, at, doc, r, "source", claim=claim_id)
        key = _string(item, "key", at, doc, r, required=True, claim=claim_id)
        refs.append(
            SourceRef(
                key,
                doc.at((*at, "key")),
                quote=_string(item, "quote", at, doc, r, claim=claim_id),
                locator=_string(item, "locator", at, doc, r, claim=claim_id),
                quoted_in=_string(item, "quoted_in", at, doc, r, claim=claim_id),
                quote_location=doc.at((*at, "quote")) if "quote" in item else None,
                locator_location=doc.at((*at, "locator")) if "locator" in item else None,
                translation=_string(item, "translation", at, doc, r, claim=claim_id),
            )
        )
    return tuple(refs)


def _string_list(
    value: Any, path: YamlPath, doc: YamlDoc, r: _Reader, claim_id: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in items):
        r.error(
            "wrong-type", "'ignore:' must be a list of problem codes", doc.at(path), claim=claim_id
        )
        return ()
    return tuple(items)


def _string(
    data: Mapping[str, Any],
    key: str,
    path: YamlPath,
    doc: YamlDoc,
    r: _Reader,
    *,
    required: bool = False,
    claim: str = "",
) -> str:
    value = data.get(key)
    if value is None:
        if required:
            r.error(
                "missing-field", f"'{key}:' is missing; add it", doc.at(path, key=True), claim=claim
            )
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date):
        r.error(
            "wrong-type",
            f"'{key}:' must be text, not {_kind(value)}",
            doc.at((*path, key)),
            claim=claim,
        )
        return ""
    if not isinstance(value, str) and key not in (
        "locator",
        "quote",
        "translation",
        "title",
        "subtitle",
    ):
        r.error(
            "wrong-type",
            f"'{key}:' must be text, not {_kind(value)} ({value!r}); "
            f'put it in quotes if you mean the text "{value}"',
            doc.at((*path, key)),
            claim=claim,
        )
        return ""
    text = _safe(_clean(str(value)), doc.at((*path, key)), r, claim)
    if required and not text:
        r.error(
            "missing-field",
            f"'{key}:' is empty; write the {key} after the colon",
            doc.at((*path, key)),
            claim=claim,
        )
    return text


def _safe(text: str, where: Location, r: _Reader, claim: str = "") -> str:
    """Characters a Word file cannot hold become U+FFFD in both outputs, with a warning."""
    return xml_safe_reported(text, where, r.problems, "text", claim=claim)


def _kind(value: Any) -> str:
    return {
        dict: "a set of fields",
        list: "a list",
        bool: "yes/no",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _clean(text: str) -> str:
    """Collapse the whitespace YAML leaves in folded text; the brief shows single spaces."""
    return fold_whitespace(text)


def _unknown_fields(
    data: Mapping[Any, Any],
    known: tuple[str, ...],
    path: YamlPath,
    doc: YamlDoc,
    r: _Reader,
    what: str,
    *,
    claim: str = "",
) -> None:
    for key in data:
        if key not in known:
            r.error(
                "unknown-field",
                f"unknown field '{key}' in a {what}{did_you_mean(str(key), known)}"
                f"; the fields of a {what} are: {', '.join(known)}",
                doc.at((*path, str(key)), key=True),
                claim=claim,
            )
