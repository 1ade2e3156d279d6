"""Document -> .docx: styles from a reference document, real footnotes, claims bookmarked.

A build whose reference document an earlier build has seen is assembled from the memo of
the reference document's parts (`writers.skeleton`), without python-docx; any other is built
through python-docx (`writers.wordpkg`), which teaches the memo. Both give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

from drafting.gcpause import without_gc
from drafting.model import Document, Location
from drafting.problems import fail
from drafting.writers import skeleton, wordml
from drafting.writers.body import bookmark_name

__all__ = ["EPOCH", "LATEST", "bookmark_name", "build_time", "check_reference", "write"]

EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest date a zip entry can carry
LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)  # and the latest


@without_gc
def write(doc: Document, reference: Path, comments: Mapping[str, str] | None = None) -> bytes:
    """The brief as a .docx. `comments` (claim id -> text) is only for the review edition
    (`draft build --review`): the brief itself never carries comments."""
    when = build_time(doc.meta.date)
    date_time = when.timetuple()[:6]
    if comments:  # python-docx writes the comments part: never from the memo
        from drafting.writers import wordpkg

        return wordml.zip_members(wordpkg.build(doc, reference, comments, when).members, date_time)
    data = skeleton.read(reference)
    store = skeleton.Store(reference, data, doc.meta.banner)
    members = skeleton.write(store, doc, when)
    if members is None:
        from drafting.writers import wordpkg

        built = wordpkg.build(doc, reference if data is None else io.BytesIO(data), None, when)
        store.learn(built)
        members = built.members
    return wordml.zip_members(members, date_time)


def check_reference(path: Path | None) -> None:
    """Refuse a reference document that is missing or not a usable Word document, naming the
    part that is wrong, before building."""
    if path is None or not path.is_file():
        raise fail(
            "no-reference-doc",
            f"reference document '{path}' not found; give an existing .docx with --reference-doc",
            Location(path.resolve()) if path else None,
        )
    data = skeleton.read(path)
    if data is not None and skeleton.reference_ok(path, data):
        return  # these very bytes passed before (only "ok" is remembered)
    problem = reference_problem(path)
    if not problem and data is not None and skeleton.read(path) == data:
        skeleton.remember_ok(path, data)  # unless the file changed while it was checked
    if problem:
        raise fail(
            "bad-reference-doc",
            f"'{path.name}' cannot be used as the reference document: {problem}; give a .docx "
            "saved by Word or LibreOffice with --reference-doc",
            Location(path.resolve()),
        )


def reference_problem(path: Path) -> str:
    """What makes `path` unusable as a reference document, in plain words; "" if nothing."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    from drafting.writers import ooxml

    try:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name), ooxml.SAFE_PARSER)
            if "word/document.xml" not in package.namelist():
                return "it has no word/document.xml, so it is not a Word document"
    except zipfile.BadZipFile:
        return "it is not a Word document (.docx) at all (not a zip package)"
    except etree.XMLSyntaxError as exc:
        return f"its part {name} is not well-formed XML (line {exc.lineno}: {exc.msg})"
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, zipfile.BadZipFile, etree.LxmlError) as e:
        # python-docx raises any of these for a package that is not a Word document
        return f"it is not a Word document (.docx) ({e})"
    return ooxml.structure_problem(word)


def build_time(date: dt.date | None) -> dt.datetime:
    """The time recorded in the file: the report's date, else SOURCE_DATE_EPOCH, else 1980."""
    if date is not None:
        return min(max(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC), EPOCH), LATEST)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isascii() and epoch.isdigit():
        seconds = min(int(epoch[:12]), int(LATEST.timestamp()))  # a zip cannot say later
        return max(dt.datetime.fromtimestamp(seconds, dt.UTC), EPOCH)
    return EPOCH
