"""The manifest a build leaves inside the .docx, so that `draft verify` needs no YAML.

It is a custom XML part (`customXml/itemN.xml`, with its `itemPropsN.xml`, related from the
document part as Word does). LibreOffice keeps such parts through an open-and-save (tested in
tests/test_verify.py); Word keeps them by design (they are its data store). It records, per
claim in document order: the claim id, its bookmark name (the reversible id <-> name map),
the claim's rendered text and footnote text with the SHA-256 of each; and the SHA-256 of
every sentence of the build that is not a claim (title, headings, organisation text), so
that text the build wrote is never reported as unattributed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from drafting.verify.extract import Element, Extracted, normalise

NS = "urn:x-draft:manifest:1"
VERSION = "1"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    id: str
    bookmark: str
    text: str
    note: str
    text_sha256: str
    note_sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    report: str
    built: str
    """The build date as recorded in the file (ISO), see `writers.docx.build_time`."""
    generator: str
    claims: tuple[ClaimRecord, ...]
    """In document order."""
    organisation: frozenset[str]
    """SHA-256 of each sentence of the build outside every claim."""
    edition: str = "public"
    """The edition built ("public" or "internal"): the fact base is composed the same way."""

    def by_bookmark(self) -> dict[str, ClaimRecord]:
        return {c.bookmark: c for c in self.claims}


def make(
    found: Extracted,
    bookmarks: Mapping[str, str],
    report: str,
    built: str,
    generator: str,
    edition: str = "public",
) -> Manifest:
    """The manifest of a document just written; `bookmarks` maps bookmark name -> claim id."""
    claims = tuple(_record(c.text, found.note_text(c), c.bookmark, bookmarks) for c in found.claims)
    organisation = frozenset(sha256(s.text) for s in found.loose)
    return Manifest(report, built, generator, claims, organisation, edition)


def _record(text: str, note: str, bookmark: str, bookmarks: Mapping[str, str]) -> ClaimRecord:
    # the text and note are worked out once each (a claim's text is normalised when asked)
    return ClaimRecord(bookmarks[bookmark], bookmark, text, note, sha256(text), sha256(note))


def to_xml(manifest: Manifest) -> bytes:
    root = etree.Element(f"{{{NS}}}manifest", nsmap={None: NS})  # type: ignore[dict-item]
    root.set("version", VERSION)
    root.set("report", manifest.report)
    root.set("built", manifest.built)
    root.set("generator", manifest.generator)
    root.set("edition", manifest.edition)
    for claim in manifest.claims:
        node = etree.SubElement(root, f"{{{NS}}}claim")
        node.set("id", claim.id)
        node.set("bookmark", claim.bookmark)
        node.set("text-sha256", claim.text_sha256)
        node.set("note-sha256", claim.note_sha256)
        etree.SubElement(node, f"{{{NS}}}text").text = claim.text
        etree.SubElement(node, f"{{{NS}}}note").text = claim.note
    for digest in sorted(manifest.organisation):
        etree.SubElement(root, f"{{{NS}}}organisation-text").set("sha256", digest)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def is_manifest(root: Element) -> bool:
    return bool(root.tag == f"{{{NS}}}manifest")


def from_xml(root: Element) -> Manifest | str:
    """The manifest, or a plain-words reason why this part cannot be read as one."""
    if root.get("version") != VERSION:
        return f"manifest version {root.get('version')!r} is not {VERSION!r}"
    claims = []
    for node in root.iterchildren(f"{{{NS}}}claim"):
        claim_id, bookmark = node.get("id") or "", node.get("bookmark") or ""
        if not claim_id or not bookmark:
            return "a claim entry lacks its id or bookmark"
        text = normalise(node.findtext(f"{{{NS}}}text") or "")
        note = normalise(node.findtext(f"{{{NS}}}note") or "")
        if sha256(text) != node.get("text-sha256") or sha256(note) != node.get("note-sha256"):
            return f"the entry of claim '{claim_id}' was altered (its digest does not match)"
        claims.append(ClaimRecord(claim_id, bookmark, text, note, sha256(text), sha256(note)))
    organisation = frozenset(
        node.get("sha256") or "" for node in root.iterchildren(f"{{{NS}}}organisation-text")
    )
    return Manifest(
        root.get("report") or "",
        root.get("built") or "",
        root.get("generator") or "",
        tuple(claims),
        organisation,
        root.get("edition") or "public",
    )
