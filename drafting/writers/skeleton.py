"""A warm build writes the .docx from a memo of the reference document's parts, without
importing python-docx or parsing the reference document (issue #13).

Cut: of the package's parts, only these depend on the brief: the body (`word/document.xml`
between its head and its `w:sectPr`), the notes (`word/footnotes.xml` after the separator
notes), the notes' hyperlink relationships, the core properties' elements, and the manifest's
custom XML part and its properties part. Every other member (content types, relationships,
styles, settings, numbering, theme, fonts, footer, the internal edition's header, app
properties), their order and the bytes around the brief's text depend only on the reference
document, on this code and its libraries, on the edition's banner and on whether a note holds
a URL (then the notes part has relationships, and a reference document without a Hyperlink
style gets Word's). So the memo's key is the digest of the reference document's bytes, the
python-docx and lxml versions, the banner and that flag (`memo.digest` adds draft's source).

A build the memo cannot serve (`writers.wordpkg`) teaches it (`learn`), but only after
assembling the package from what it learnt and finding it byte-identical to the one
python-docx made; a reference document whose parts cannot be split so (its namespaces under
unusual prefixes: `ooxml.Slot.graft`) is never memoised and always built the slow way. The
review edition (comments) is always built the slow way.

The verdict of `docx.check_reference` is memoised too ("ok" only: a bad reference document
is refused on every run), in a memo of its own.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting import memo
from drafting.model import Document
from drafting.verify import manifest
from drafting.writers import body, wordml

if TYPE_CHECKING:
    from drafting.writers.wordpkg import Built

KIND = "docx-skeleton"
KINDS = frozenset({"raw", "document", "notes", "links", "core", "manifest", "manifest-props"})
"""How each member is made: stored bytes, or stored bytes around the brief's text."""
Entry = tuple[str, str, bytes, bytes]
"""A member: its kind, its name, and its bytes (raw) or the bytes before and after."""


def libraries() -> tuple[str, ...]:
    """The versions of the libraries that made the stored parts."""
    return memo.versions("python-docx", "lxml")


def read(reference: Path) -> bytes | None:
    """The reference document's bytes, read once: the memo's key and the slow build must see
    the same bytes, even if the file changes meanwhile."""
    try:
        return reference.read_bytes()
    except OSError:
        return None


class Store:
    """The memo of one reference document (by its path) for one edition's banner."""

    def __init__(self, reference: Path, data: bytes | None, banner: str | None) -> None:
        self.reference = None if data is None else hashlib.sha256(data).hexdigest()
        scope = "\0".join((str(reference.resolve()), banner or ""))
        self.memo = memo.Memo(KIND, scope)
        self.banner = banner

    def _key(self, *parts: object) -> str:
        return memo.digest(KIND, self.reference, libraries(), self.banner, *parts)

    def styles(self) -> tuple[body.Styles, str] | None:
        """The style ids the body names and the Hyperlink style's id; None on a miss."""
        if self.reference is None:
            return None
        return _decode_styles(self.memo.get(self._key("styles")))

    def entries(self, has_url: bool) -> list[Entry] | None:
        """The members of the package to fill in; None on a miss."""
        if self.reference is None:
            return None
        return _decode_entries(self.memo.get(self._key("parts", has_url)))

    def learn(self, built: Built) -> None:
        """Keep what `built` says about the reference document, if it proves right."""
        if self.reference is None:
            return
        entries = _entries(built)
        if entries is None or assemble(entries, built.filled) != built.members:
            return  # never memoise what would not give the very same bytes
        styles = built.styles
        self.memo.put(
            self._key("styles"),
            {
                "paragraph": styles.paragraph,
                "note_reference": styles.note_reference,
                "note_text": styles.note_text,
                "hyperlink": built.hyperlink_style,
            },
        )
        self.memo.put(
            self._key("parts", bool(built.filled.urls)),
            [[kind, name, _b64(a), _b64(b)] for kind, name, a, b in entries],
        )
        self.memo.save()


def write(store: Store, doc: Document, when: dt.datetime) -> list[tuple[str, bytes]] | None:
    """The package's members from the memo and the brief; None on a miss."""
    known = store.styles()
    if known is None:
        return None
    styles, hyperlink = known
    links = body.NewLinks()
    writer = body.Writer(styles, links, lambda: hyperlink)
    writer.write_all(doc)
    entries = store.entries(bool(links.urls))
    if entries is None:
        return None
    record, item_id = body.manifest(writer, doc.meta, when)
    filled = body.Filled(
        *writer.texts(),
        tuple(links.urls),
        body.core_children(doc.meta, when),
        record,
        wordml.custom_xml_props(item_id, manifest.NS),
    )
    # no save on a hit: nothing was added, and the next miss's save drops stale entries
    return assemble(entries, filled)


def assemble(entries: list[Entry], filled: body.Filled) -> list[tuple[str, bytes]]:
    """The package's members: the stored bytes with the brief's put in."""
    members = []
    for kind, name, before, after in entries:
        if kind == "raw":
            data = before
        elif kind == "document":
            data = before + filled.body.encode("utf-8") + after
        elif kind == "notes":
            data = before + filled.notes.encode("utf-8") + after
        elif kind == "links":
            data = before + wordml.hyperlink_relationships(filled.urls).encode("utf-8") + after
        elif kind == "core":
            data = before + filled.core.encode("utf-8") + after
        elif kind == "manifest":
            data = filled.manifest
        else:  # "manifest-props"
            data = filled.manifest_props
        members.append((name, data))
    return members


def _entries(built: Built) -> list[Entry] | None:
    """How to make each member of `built` again; None if the brief's text cannot be cut out."""
    if set(built.halves) != {built.document, built.notes}:
        return None  # text grafted through lxml (unusual prefixes): no fixed bytes around it
    filled = built.filled
    entries: list[Entry] = []
    for name, data in built.members:
        if name == built.document:
            entries.append(("document", name, *built.halves[name]))
        elif name == built.notes:
            entries.append(("notes", name, *built.halves[name]))
        elif name == built.links and filled.urls:
            middle = wordml.hyperlink_relationships(filled.urls).encode("utf-8")
            cut = _cut(data, middle)
            if cut is None:
                return None
            entries.append(("links", name, *cut))
        elif name == built.core:
            cut = _cut(data, filled.core.encode("utf-8"))
            if cut is None:
                return None
            entries.append(("core", name, *cut))
        elif name == built.manifest[0]:
            entries.append(("manifest", name, b"", b""))
        elif name == built.manifest[1]:
            entries.append(("manifest-props", name, b"", b""))
        else:
            entries.append(("raw", name, data, b""))
    return entries


def _cut(data: bytes, middle: bytes) -> tuple[bytes, bytes] | None:
    """`data` before and after `middle`, which must occur in it once."""
    head, found, tail = data.partition(middle)
    if not found or middle in tail:
        return None
    return head, tail


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _decode_styles(value: Any) -> tuple[body.Styles, str] | None:
    """A stored `styles` value, or None if it is not of the shape `learn` stores."""
    if not isinstance(value, dict):
        return None
    paragraph = value.get("paragraph")
    strings = [value.get(k) for k in ("note_reference", "note_text", "hyperlink")]
    if (
        not isinstance(paragraph, dict)
        or set(paragraph) != set(body.PARAGRAPH_STYLES)
        or not all(v is None or (isinstance(v, str) and v) for v in paragraph.values())
        or not all(isinstance(s, str) and s for s in strings)
    ):
        return None
    note_reference, note_text, hyperlink = (str(s) for s in strings)
    return body.Styles(dict(paragraph), note_reference, note_text), hyperlink


def _decode_entries(value: Any) -> list[Entry] | None:
    """Stored `parts`, or None if they are not of the shape `learn` stores."""
    if not isinstance(value, list) or not value:
        return None
    entries: list[Entry] = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 4
            or not all(isinstance(s, str) for s in item)
            or item[0] not in KINDS
        ):
            return None
        try:
            before = base64.b64decode(item[2], validate=True)
            after = base64.b64decode(item[3], validate=True)
        except (binascii.Error, ValueError):
            return None
        entries.append((item[0], item[1], before, after))
    return entries


VERDICT = "docx-reference-ok"


def reference_ok(reference: Path, data: bytes) -> bool:
    """Whether an earlier run found these very bytes usable as the reference document."""
    store = memo.Memo(VERDICT, str(reference.resolve()))
    return bool(store.get(_verdict_key(data)) == "ok")


def remember_ok(reference: Path, data: bytes) -> None:
    """Record that these bytes are usable (never a failure: see `reference_ok`)."""
    store = memo.Memo(VERDICT, str(reference.resolve()))
    store.put(_verdict_key(data), "ok")
    store.save()


def _verdict_key(data: bytes) -> str:
    return memo.digest(VERDICT, hashlib.sha256(data).hexdigest(), libraries())
