"""reports/NAME/report.yaml (and the claim files it names) -> `Report`.

YAML is parsed safely (`yamlfile`), then every field is checked by hand against a small
schema, so that a typo (`soruces:`) or a wrong type (`status: 3`) gets a message that names
the file, the line, the claim and the fix, and all such problems come out together.

Each file is read on its own first: report.yaml gives its fields, sections and the list of
claim files (`_ReportFile`), each claim file its claims (`_ClaimFile`), each with the
problems found in it. These depend on nothing but the file's bytes and path, so they are
kept in a memo (`stored.remembered`) and an unchanged file is not parsed again. What spans
files is decided afresh on every run: whether a claim file named in report.yaml exists and
stays inside the workspace, and a claim id defined twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from drafting.files import decode_text, read_bytes, refusal
from drafting.gcpause import without_gc
from drafting.load import yamlfile
from drafting.load.stored import (
    BOOL,
    CLAIMS,
    LOCATION,
    PROBLEMS,
    SECTION,
    TEXT,
    Date,
    Many,
    Maybe,
    OptionMap,
    Record,
    remembered,
)
from drafting.load.workspace import Workspace
from drafting.load.yamlfile import YamlDoc, YamlPath
from drafting.memo import Memo
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
from drafting.text import fold_whitespace, forbidden_characters, xml_safe_reported

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
MEMO_KIND = "load-report"
"""The memo of report.yaml and claim files read on earlier runs, one per report folder."""


@dataclass(slots=True)
class _Reader:
    """Validation state for one file: the problems found so far."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, message: str, where: Location, **who: str) -> None:
        self.problems.append(error(code, message, where, **who))

    def take(self) -> tuple[Problem, ...]:
        """The problems found since the last `take`."""
        found = tuple(self.problems)
        self.problems.clear()
        return found


@dataclass(frozen=True, slots=True)
class _ClaimFile:
    """What one claim file says on its own: its claims, in order, and its problems."""

    claims: tuple[Claim, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class _ClaimsEntry:
    """One entry of report.yaml's `claims:`: the name of a claim file (`file`), or claims
    written in report.yaml itself (`file` None), with the problems found in them."""

    file: str | None
    where: Location
    claims: tuple[Claim, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class _ReportFile:
    """What report.yaml says on its own, before any claim file is read."""

    failed: bool
    """Not a report at all (not YAML, not a set of fields): `before` says why."""
    before: tuple[Problem, ...]
    """The problems found before `claims:` (unknown fields, title, date)."""
    entries: tuple[_ClaimsEntry, ...]
    after: tuple[Problem, ...]
    """The problems found after `claims:` (sections, subtitle, style options, ...)."""
    title: str = ""
    subtitle: str = ""
    organisation: str = ""
    date: dt.date | None = None
    style: str = ""
    style_options: Mapping[str, str | int | float | bool] = field(
        default_factory=lambda: MappingProxyType({})
    )
    sections: tuple[Section, ...] = ()


_CLAIM_FILE = Record(_ClaimFile, claims=CLAIMS, problems=PROBLEMS)
_REPORT_FILE = Record(
    _ReportFile,
    failed=BOOL,
    before=PROBLEMS,
    entries=Many(
        Record(_ClaimsEntry, file=Maybe(TEXT), where=LOCATION, claims=CLAIMS, problems=PROBLEMS)
    ),
    after=PROBLEMS,
    title=TEXT,
    subtitle=TEXT,
    organisation=TEXT,
    date=Maybe(Date()),
    style=TEXT,
    style_options=OptionMap(),
    sections=Many(SECTION),
)


def _settings() -> tuple[object, ...]:
    """What a file's result depends on besides its bytes, its path and `draft`'s code: the
    limits (read when called, so that a changed limit is a changed key) and PyYAML."""
    return (
        yamlfile.MAX_DEPTH,
        yamlfile.MAX_NODES,
        yamlfile.MAX_SCALAR,
        LATEST_YEAR,
        yaml.__version__,
        hasattr(yaml, "CSafeLoader"),
    )


@without_gc
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
    store = Memo(MEMO_KIND, str(report_dir.resolve()))
    try:
        report, problems = _load(path.resolve(), report_dir.resolve().name, workspace, store)
    finally:
        store.save()
    if has_errors(problems) or report is None:
        raise DraftError(problems)
    if warnings is not None:
        warnings.extend(problems)
    return report


def _load(
    path: Path, name: str, workspace: Workspace, store: Memo
) -> tuple[Report | None, list[Problem]]:
    # On a hit the bytes are exactly those that were parsed before, so the YAML bounds
    # (nesting, aliases, size) need not run again: a file that failed them is stored with
    # that failure and fails again; a changed file is a new key and measured afresh.
    shape = remembered(
        store, ("report.yaml", *_settings()), path, read_bytes(path), _report_file, _REPORT_FILE
    )
    problems = list(shape.before)
    if shape.failed:
        return None, problems
    claims = _gather(shape.entries, workspace, store, problems)
    problems.extend(shape.after)
    report = Report(
        name=name,
        location=Location(path),
        title=shape.title,
        subtitle=shape.subtitle,
        organisation=shape.organisation,
        date=shape.date,
        style=shape.style,
        style_options=shape.style_options,
        sections=shape.sections,
        claims=MappingProxyType(claims),
    )
    return report, problems


LATEST_YEAR = 2107
"""Zip archives (a .docx is one) store years 1980-2107."""


def _report_file(path: Path, raw: bytes) -> _ReportFile:
    """report.yaml's own fields and problems, from its bytes alone."""
    try:
        doc = yamlfile.parse(path, decode_text(raw, path))
    except DraftError as exc:
        return _ReportFile(True, exc.problems, (), ())
    data = doc.data
    r = _Reader()
    if not isinstance(data, dict):
        r.error(
            "wrong-type", "report.yaml must be a set of fields (title:, sections:, ...)", doc.at(())
        )
        return _ReportFile(True, r.take(), (), ())
    _unknown_fields(data, REPORT_FIELDS, (), doc, r, "report")
    title = _string(data, "title", (), doc, r, required=True)
    date = _date(data.get("date"), doc, r)
    before = r.take()
    entries = _claims_field(data.get("claims"), doc, r)
    sections = _sections(data.get("sections"), doc, r)
    subtitle = _string(data, "subtitle", (), doc, r)
    organisation = _string(data, "organisation", (), doc, r)
    style = _string(data, "style", (), doc, r) or "chicago-note"
    options = _style_options(data.get("style_options"), doc, r)
    return _ReportFile(
        failed=False,
        before=before,
        entries=entries,
        after=r.take(),
        title=title,
        subtitle=subtitle,
        organisation=organisation,
        date=date,
        style=style,
        style_options=options,
        sections=sections,
    )


def _date(value: Any, doc: YamlDoc, r: _Reader) -> dt.date | None:
    date = value
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
    return date if isinstance(date, dt.date) else None


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


def _claims_field(value: Any, doc: YamlDoc, r: _Reader) -> tuple[_ClaimsEntry, ...]:
    """`claims:` is a mapping of claims, or a list of claim files (relative to the report)."""
    if value is None:
        return ()
    if isinstance(value, dict):
        claims = _claim_map(value, ("claims",), doc, r)
        return (_ClaimsEntry(None, doc.at(("claims",)), tuple(claims.values()), r.take()),)
    if not isinstance(value, list):
        r.error(
            "wrong-type",
            "'claims:' must be the claims themselves or a list of claim files",
            doc.at(("claims",)),
        )
        return ()
    entries = []
    for i, item in enumerate(value):
        where = doc.at(("claims", i))
        if isinstance(item, dict):
            claims = _claim_map(item, ("claims", i), doc, r)
            entries.append(_ClaimsEntry(None, where, tuple(claims.values()), r.take()))
        elif isinstance(item, str):
            entries.append(_ClaimsEntry(item, where, (), ()))
        else:
            r.error("wrong-type", "each entry of 'claims:' must be a file name", where)
            entries.append(_ClaimsEntry(None, where, (), r.take()))
    return tuple(entries)


def _gather(
    entries: tuple[_ClaimsEntry, ...], workspace: Workspace, store: Memo, problems: list[Problem]
) -> dict[str, Claim]:
    """The claims of every entry of `claims:`, in order; a claim id defined twice (in one
    file or in two) is an error at its second definition."""
    claims: dict[str, Claim] = {}
    for entry in entries:
        if entry.file is None:
            more, found = entry.claims, entry.problems
        else:
            more, found = _claim_file(entry.file, entry.where, workspace, store)
        problems.extend(found)
        for claim in more:
            if claim.id in claims:
                first = claims[claim.id].location
                problems.append(
                    error(
                        "duplicate-claim",
                        f"claim '{claim.id}' is defined twice (also at "
                        f"{first.file.name}:{first.line})",
                        claim.location,
                        claim=claim.id,
                    )
                )
            claims[claim.id] = claim
    return claims


def _claim_file(
    name: str, where: Location, workspace: Workspace, store: Memo
) -> tuple[tuple[Claim, ...], tuple[Problem, ...]]:
    path = where.file.parent / name
    refused = refusal(path, where)  # first: a link loop or a NUL cannot even be resolved
    if refused is not None and refused.code != "missing-file":
        return (), (refused,)
    if Path(name).is_absolute() or not workspace.contains(path):
        return (), (
            error(
                "path-outside-workspace",
                f"claim file '{name}' is outside the workspace; "
                "keep claim files inside the workspace folder",
                where,
            ),
        )
    if refused is not None:
        return (), (
            error("missing-file", f"claim file '{name}' does not exist (looked for {path})", where),
        )
    path = path.resolve()
    try:
        raw = read_bytes(path)
    except DraftError as exc:
        return (), exc.problems
    # As for report.yaml: a hit is for these very bytes, whose bounds were measured then.
    found = remembered(store, ("claims", *_settings()), path, raw, _claims_of, _CLAIM_FILE)
    return found.claims, found.problems


def _claims_of(path: Path, raw: bytes) -> _ClaimFile:
    """One claim file's claims and problems, from its bytes alone."""
    try:
        doc = yamlfile.parse(path, decode_text(raw, path))
    except DraftError as exc:
        return _ClaimFile((), exc.problems)
    data = doc.data
    root: YamlPath = ()
    if isinstance(data, dict) and set(data) == {"claims"}:
        data, root = data["claims"], ("claims",)
    r = _Reader()
    if not isinstance(data, dict):
        r.error("wrong-type", "a claims file must map claim ids to claims", doc.at(root))
        return _ClaimFile((), r.take())
    claims = _claim_map(data, root, doc, r)
    return _ClaimFile(tuple(claims.values()), r.take())


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
    text = _clean(str(value))
    if forbidden_characters(text):  # rare: only then is the location worth looking up
        text = _safe(text, doc.at((*path, key)), r, claim)
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
