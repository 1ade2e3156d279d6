"""Compare an edited .docx with the manifest of its build, and optionally with the current YAML.

Three versions of a claim can be in play: the *build* (the manifest inside the file), the
*document* (what the file says now, tracked changes accepted) and the *fact base* (what the
report's YAML gives today, rendered the same way). The document changed when it differs from
the build; the fact base moved on when the build differs from today's rendering.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from drafting.model import Location
from drafting.problems import fail
from drafting.verify import extract, manifest
from drafting.verify.package import PARSER, Package, open_docx

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CHANGES = ("edited", "footnote-changed", "footnote-removed", "missing", "moved")
"""What can happen to a claim in the document, in the order reports list them."""


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """One of the claim's quotes, checked against an edited wording."""

    key: str
    quote: str
    outcome: str
    """The audit's result for the quote in its snapshot (exact, normalised, fuzzy, ...)."""
    words: int
    """Distinct words of the quote (of 4 letters or more, or numbers)."""
    carried_before: int
    """How many of them the built wording contains."""
    carried_after: int
    """How many of them the edited wording contains."""


@dataclass(frozen=True, slots=True)
class ClaimResult:
    id: str
    bookmark: str
    changes: tuple[str, ...]
    """A subset of `CHANGES`; empty when the document still says what the build said."""
    built_text: str
    text: str
    """The document's wording now ("" when missing)."""
    built_note: str
    note: str
    pending: bool = False
    """A tracked change not yet accepted or rejected touches the claim or its footnote."""
    found_by_words: bool = False
    """The bookmark was lost, but the claim's exact words were found in the document."""
    fact_base: str = ""
    """With the report folder: "" (as built), "changed" or "removed" from the YAML since."""
    current_text: str = ""
    current_note: str = ""
    adopt: str = ""
    """For an edited claim: YAML a writer pastes into the claim to adopt the new wording."""
    defined_at: Location | None = None
    quotes: tuple[QuoteCheck, ...] = ()
    hedge_lost: bool = False
    """An `alleged` claim whose new wording no longer attributes what it says."""

    @property
    def side(self) -> str:
        """Which side changed: "document", "fact base", "both" or ""."""
        document = any(c != "moved" for c in self.changes)
        facts = bool(self.fact_base)
        return {(True, True): "both", (True, False): "document", (False, True): "fact base"}.get(
            (document, facts), ""
        )

    @property
    def needs_review(self) -> bool:
        return bool(self.changes or self.pending or self.fact_base)


@dataclass(frozen=True, slots=True)
class Added:
    """A sentence of the document that no claim covers and the build did not write."""

    kind: str
    """`unattributed` (no footnote) or `unlinked` (a footnote, but not a claim's)."""
    text: str
    paragraph: int
    """1-based body paragraph (the title is paragraph 1)."""
    note: str = ""
    pending: bool = False


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    author: str
    date: str
    text: str
    claims: tuple[str, ...]
    """Ids of the claims the comment is attached to."""
    anchor: str
    """The words it is attached to."""


@dataclass(frozen=True, slots=True)
class Verification:
    docx: Path
    report: str
    built: str
    claims: tuple[ClaimResult, ...]
    added: tuple[Added, ...]
    comments: tuple[Comment, ...]
    pending: int
    """Tracked changes left in the document (insertions, deletions, formatting)."""
    compared_with_fact_base: bool = False
    new_in_fact_base: tuple[str, ...] = ()
    """Claims the current YAML places that the build did not have."""

    @property
    def needs_review(self) -> bool:
        return bool(
            any(c.needs_review for c in self.claims)
            or self.added
            or self.pending
            or self.new_in_fact_base
        )


@dataclass
class Current:
    """The fact base as it is today: its rendering's manifest, plus what the checks need."""

    manifest: manifest.Manifest
    definitions: Mapping[str, Location] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    quotes: Mapping[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    """claim id -> (key, quote, audit outcome) per source."""


def fact_base(report_dir: Path, style: str | None = None, edition: str = "public") -> Current:
    """Render the report as it is today (in memory) and read its manifest.

    The report must pass `draft check`'s errors, as for a build; its quotes' outcomes come
    from the same audit."""
    from drafting import pipeline
    from drafting.render.templating import time_limit
    from drafting.writers import WRITERS
    from drafting.writers.docx import check_reference

    inputs = pipeline.gather(report_dir)
    reference = inputs.workspace.find_template("reference.docx")
    check_reference(reference)
    with time_limit():
        doc = pipeline.compose_edition(inputs, edition, style)
    raw = WRITERS["docx"](doc, reference or Path())
    return Current(
        manifest_of(raw),
        {c.id: c.location for c in inputs.report.claims.values()},
        {c.id: c.status for c in inputs.report.claims.values()},
        {
            c.id: tuple((q.key, q.quote, q.outcome) for q in c.citations)
            for c in inputs.audit.claims
        },
    )


def read(path: Path) -> tuple[extract.Extracted, manifest.Manifest]:
    """The edited document's claims and the manifest of its build; `DraftError` if unusable."""
    package = open_docx(path)
    try:
        body = package.xml("word/document.xml")
        targets = _document_targets(package)
        notes = package.xml(targets["footnotes"]) if "footnotes" in targets else None
        comments = package.xml(targets["comments"]) if "comments" in targets else None
        record = find_manifest(package)
    finally:
        package.close()
    bookmarks = record.by_bookmark()
    return extract.extract(body, bookmarks.__contains__, notes, comments), record


def find_manifest(package: Package) -> manifest.Manifest:
    where = Location(package.path.resolve())
    for name in sorted(package.names):
        if re.fullmatch(r"customXml/item\d+\.xml", name):
            root = package.xml(name)
            if root is not None and manifest.is_manifest(root):
                record = manifest.from_xml(root)
                if isinstance(record, str):
                    raise fail(
                        "bad-manifest",
                        f"the draft manifest in '{name}' cannot be used: {record}; verify "
                        "against a fresh build instead",
                        where,
                    )
                return record
    raise fail(
        "no-manifest",
        f"'{package.path.name}' has no draft manifest: it was not built by this version of "
        "draft, or the manifest was removed; rebuild the brief with `draft build` and verify "
        "the edited copy of that file",
        where,
    )


def _document_targets(package: Package) -> dict[str, str]:
    """Part names of the footnotes and comments, from the document's relationships."""
    rels = package.xml("word/_rels/document.xml.rels")
    targets: dict[str, str] = {}
    if rels is None:
        return targets
    for rel in rels.iterchildren(f"{{{PKG_REL}}}Relationship"):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if kind in ("footnotes", "comments") and rel.get("TargetMode") != "External":
            path = PurePosixPath("word", target) if not target.startswith("/") else None
            name = str(path) if path else target.lstrip("/")
            targets[kind] = _resolve(name)
    return targets


def _resolve(name: str) -> str:
    parts: list[str] = []
    for part in name.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def manifest_of(raw: bytes) -> manifest.Manifest:
    """The manifest of a .docx we have just built in memory (trusted input)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        for name in package.namelist():
            if name.startswith("customXml/item"):
                from lxml import etree

                root = etree.fromstring(package.read(name), PARSER)
                if manifest.is_manifest(root):
                    record = manifest.from_xml(root)
                    assert not isinstance(record, str), record
                    return record
    raise AssertionError("a build without a manifest")


def verify(path: Path, current: Current | None = None) -> Verification:
    found, record = read(path)
    if current is not None and current.manifest.report != record.report:
        raise fail(
            "report-mismatch",
            f"'{path.name}' was built from report '{record.report}', not "
            f"'{current.manifest.report}'; give that report's folder, or leave it out",
            Location(path.resolve()),
        )
    present = [c for c in found.claims if c.text]
    loose = list(found.loose)
    # keyed by bookmark: a claim placed twice has one bookmark (and one result) per place
    results = {c.bookmark: _claim(c, found, path) for c in record.claims}
    for missing in [r for r in results.values() if "missing" in r.changes]:
        match = next((s for s in loose if s.text == missing.built_text), None)
        if match is not None:  # bookmark lost (retyped, pasted as plain text): found by words
            loose.remove(match)
            note = " ".join(found.notes[n].text for n in match.notes if n in found.notes)
            results[missing.bookmark] = _with_changes(
                missing, match.text, note, match.pending, found_by_words=True
            )
    order = [c.bookmark for c in present]
    kept = set(order)
    built_order = [c.bookmark for c in record.claims if c.bookmark in kept]
    for bookmark in _moved(order, built_order):
        result = results[bookmark]
        results[bookmark] = _replace(result, changes=(*result.changes, "moved"))
    added = tuple(_added(loose, found, record))
    comments = tuple(_comment(c, record) for c in found.comments.values())
    new_in_facts: tuple[str, ...] = ()
    if current is not None:
        results = {k: _against(r, current) for k, r in results.items()}
        new_in_facts = tuple(
            dict.fromkeys(c.id for c in current.manifest.claims if c.bookmark not in results)
        )
    return Verification(
        path,
        record.report,
        record.built,
        tuple(results.values()),
        added,
        comments,
        found.pending,
        current is not None,
        new_in_facts,
    )


def _claim(record: manifest.ClaimRecord, found: extract.Extracted, path: Path) -> ClaimResult:
    claim = found.claim(record.bookmark)
    empty = ClaimResult(record.id, record.bookmark, ("missing",), record.text, "", record.note, "")
    if claim is None or not claim.text:
        return empty
    note_pending = any(found.notes[n].pending for n in claim.notes if n in found.notes)
    return _with_changes(
        empty, claim.text, found.note_text(claim), claim.pending or note_pending, False
    )


def _with_changes(
    base: ClaimResult, text: str, note: str, pending: bool, found_by_words: bool
) -> ClaimResult:
    changes = []
    if text != base.built_text:
        changes.append("edited")
    if base.built_note and not note:
        changes.append("footnote-removed")
    elif note != base.built_note:
        changes.append("footnote-changed")
    return _replace(
        base,
        changes=tuple(changes),
        text=text,
        note=note,
        pending=pending,
        found_by_words=found_by_words,
    )


def _replace(result: ClaimResult, **changes: object) -> ClaimResult:
    import dataclasses

    return dataclasses.replace(result, **changes)  # type: ignore[arg-type]


def _moved(now: list[str], built: list[str]) -> set[str]:
    """Claims outside the longest run of claims kept in their built order."""
    matcher = difflib.SequenceMatcher(None, built, now, autojunk=False)
    kept = {now[b.b + i] for b in matcher.get_matching_blocks() for i in range(b.size)}
    return set(now) - kept


def _added(
    loose: list[extract.Loose], found: extract.Extracted, record: manifest.Manifest
) -> list[Added]:
    out = []
    for sentence in loose:
        if manifest.sha256(sentence.text) in record.organisation:
            continue
        note = " ".join(found.notes[n].text for n in sentence.notes if n in found.notes)
        kind = "unlinked" if sentence.notes else "unattributed"
        out.append(Added(kind, sentence.text, sentence.paragraph + 1, note, sentence.pending))
    return out


def _comment(comment: extract.CommentRead, record: manifest.Manifest) -> Comment:
    ids = record.by_bookmark()
    claims = tuple(ids[b].id for b in comment.claims if b in ids)
    anchor = extract.normalise("".join(comment.anchor))
    return Comment(comment.id, comment.author, comment.date, comment.text, claims, anchor)


def _against(result: ClaimResult, current: Current) -> ClaimResult:
    """Add what the fact base says today, and for an edited claim the YAML to adopt it."""
    now = current.manifest.by_bookmark().get(result.bookmark)
    if now is None:
        fact_base, text, note = "removed", "", ""
    else:
        changed = now.text != result.built_text or now.note != result.built_note
        fact_base, text, note = ("changed" if changed else ""), now.text, now.note
    result = _replace(
        result,
        fact_base=fact_base,
        current_text=text,
        current_note=note,
        defined_at=current.definitions.get(result.id),
    )
    if "edited" in result.changes and result.text:
        result = _replace(result, **_adoption(result, current))
    return result


def _adoption(result: ClaimResult, current: Current) -> dict[str, object]:
    import yaml

    from drafting.audit.language import hedge_in

    snippet = yaml.safe_dump(
        {result.id: {"text": result.text}}, allow_unicode=True, width=88, sort_keys=False
    )
    quotes = tuple(
        QuoteCheck(
            key,
            quote,
            outcome,
            len(_words(quote)),
            len(_words(quote) & _words(result.built_text)),
            len(_words(quote) & _words(result.text)),
        )
        for key, quote, outcome in current.quotes.get(result.id, ())
    )
    alleged = current.statuses.get(result.id) == "alleged"
    return {
        "adopt": snippet,
        "quotes": quotes,
        "hedge_lost": alleged and hedge_in(result.text) is None,
    }


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 4 or w.isdigit()}
