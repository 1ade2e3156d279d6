"""Open a .docx that came back from outside without trusting it.

The file may be hostile: a zip bomb, XML with entity expansion (billion laughs) or external
entities, a macro-enabled document renamed .docx. Everything is checked from the zip's
central directory *before* anything is decompressed, and again while reading (a header can
lie); XML is parsed with entities, DTDs and the network off, and a part that declares a
DOCTYPE is refused outright (Word never writes one, and OPC forbids them).
Every refusal is a `DraftError` with one located problem, never a traceback.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from drafting.model import Location
from drafting.problems import DraftError, fail

MAX_MEMBERS = 2000
"""A long brief with images has a few dozen parts."""
MAX_MEMBER_BYTES = 64 * 1024 * 1024
"""Declared uncompressed size of any one member (images included)."""
MAX_XML_BYTES = 32 * 1024 * 1024
"""Size of an XML part we parse: a 1,000-page brief's document.xml is a few MB."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""Declared uncompressed size of all members together."""
MAX_RATIO = 100
"""Uncompressed / compressed size of a member over `RATIO_FLOOR` bytes; Word XML is ~5-20."""
RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# "<!DOCTYPE" in UTF-8/ASCII and in UTF-16 (either byte order): checked before parsing.
_DOCTYPE = re.compile(rb"<!DOCTYPE|<\x00!\x00D\x00O\x00C\x00|\x00<\x00!\x00D\x00O\x00C", re.I)
_MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData")

PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)
"""The only parser used on untrusted XML."""

Element = Any  # lxml element


@dataclass
class Package:
    """A checked .docx: member names and a reader for its XML parts."""

    path: Path
    zip: zipfile.ZipFile
    names: frozenset[str]

    def xml(self, name: str) -> Element | None:
        """Part `name` parsed safely; None when the package has no such part."""
        if name not in self.names:
            return None
        raw = self._read(name)
        if _DOCTYPE.search(raw[:4096]) or _DOCTYPE.search(raw):
            raise self._error(
                "docx-doctype",
                f"part '{name}' declares a DOCTYPE, which Word never writes (it can hide "
                "entity expansion or read other files); the file was refused: save the "
                "document again from Word or LibreOffice",
            )
        try:
            root = etree.fromstring(raw, PARSER)
        except etree.XMLSyntaxError as exc:
            raise self._error(
                "docx-xml",
                f"part '{name}' is not well-formed XML ({exc.msg}); the file is damaged: "
                "open it in Word or LibreOffice, save it as .docx and try again",
            ) from None
        docinfo: Any = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise self._error("docx-doctype", f"part '{name}' declares a DOCTYPE; refused")
        return root

    def _read(self, name: str) -> bytes:
        """Read a member, counting bytes as they come: the directory's sizes may lie."""
        info = self.zip.getinfo(name)
        limit = min(info.file_size, MAX_XML_BYTES)
        if info.file_size > MAX_XML_BYTES:
            raise self._too_large(f"part '{name}' would be {info.file_size:,} bytes")
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise self._too_large(f"part '{name}' is larger than its header says")
                    chunks.append(chunk)
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            ValueError,
            zlib.error,
            RuntimeError,  # an encrypted member
            NotImplementedError,  # a compression method zipfile lacks
        ) as exc:
            raise self._error(
                "not-docx",
                f"part '{name}' cannot be read ({exc}); the file is damaged: open it in Word "
                "or LibreOffice, save it as .docx and try again",
            ) from None
        return b"".join(chunks)

    def _error(self, code: str, message: str) -> DraftError:
        return fail(code, message, Location(self.path.resolve()))

    def _too_large(self, what: str) -> DraftError:
        return self._error(
            "docx-too-large",
            f"{what}; this is beyond what a brief needs (a zip bomb?), so the file was "
            "refused: check where it came from",
        )

    def close(self) -> None:
        self.zip.close()


def open_docx(path: Path) -> Package:
    """Open and check `path`; raise `DraftError` for anything that is not a plain .docx."""
    where = Location(path.resolve())
    if not path.is_file():
        raise fail("no-docx", f"'{path}' does not exist; give the edited .docx file", where)
    if path.suffix.lower() in (".docm", ".dotm"):
        raise fail(
            "docx-macros",
            f"'{path.name}' is a macro-enabled document; `draft verify` reads only .docx: "
            "save it as 'Word Document (.docx)' (which removes the macros) and try again",
            where,
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise fail(
            "no-docx",
            f"'{path}' cannot be read ({exc.strerror or exc}); check that you may read it",
            where,
        ) from None
    if head == _OLE_MAGIC:
        raise fail(
            "not-docx",
            f"'{path.name}' is an old .doc file or a password-protected document; save it as "
            "'Word Document (.docx)' without a password and try again",
            where,
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise fail(
            "not-docx",
            f"'{path.name}' is not a Word document (.docx is a zip package, this is not one); "
            "save it from Word or LibreOffice as .docx",
            where,
        ) from None
    try:
        names = _check_directory(archive, path)
    except DraftError:
        archive.close()
        raise
    package = Package(path, archive, names)
    try:
        _refuse_doctypes(package)
        _refuse_macros(package)
    except DraftError:
        package.close()
        raise
    return package


def _refuse_doctypes(package: Package) -> None:
    """Every XML part, parsed or not: a DOCTYPE anywhere means the file was tampered with."""
    for name in sorted(package.names):
        if name.endswith((".xml", ".rels")):
            raw = package._read(name)
            if _DOCTYPE.search(raw):
                raise package._error(
                    "docx-doctype",
                    f"part '{name}' declares a DOCTYPE, which Word never writes (it can hide "
                    "entity expansion or read other files); the file was refused: save the "
                    "document again from Word or LibreOffice",
                )


def _check_directory(archive: zipfile.ZipFile, path: Path) -> frozenset[str]:
    """Limits from the central directory, before any member is decompressed."""
    where = Location(path.resolve())
    infos = archive.infolist()

    def too_large(what: str) -> DraftError:
        return fail(
            "docx-too-large",
            f"{what}; this is beyond what a brief needs (a zip bomb?), so the file was "
            "refused: check where it came from",
            where,
        )

    if len(infos) > MAX_MEMBERS:
        raise too_large(f"the package has {len(infos):,} parts (at most {MAX_MEMBERS:,})")
    total = 0
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise too_large(f"part '{info.filename}' would be {info.file_size:,} bytes")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise too_large(
                f"part '{info.filename}' would expand {ratio:,.0f} times (at most {MAX_RATIO})"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise too_large(f"the parts together would be over {MAX_TOTAL_BYTES:,} bytes")
        if PurePosixPath(info.filename).name.lower().startswith("vbaproject"):
            raise fail(
                "docx-macros",
                f"'{path.name}' contains macros ({info.filename}); save it as "
                "'Word Document (.docx)' (which removes them) and try again",
                where,
            )
    names = frozenset(info.filename for info in infos)
    if "word/document.xml" not in names:
        raise fail(
            "not-docx",
            f"'{path.name}' is a zip file but not a Word document (no word/document.xml); "
            "give the .docx that draft built and Word or LibreOffice saved",
            where,
        )
    return names


def _refuse_macros(package: Package) -> None:
    types = package.xml("[Content_Types].xml")
    if types is None:
        return
    for node in types:
        content_type = node.get("ContentType") or ""
        if any(marker in content_type for marker in _MACRO_TYPES):
            raise package._error(
                "docx-macros",
                f"'{package.path.name}' is macro-enabled ({content_type}); save it as "
                "'Word Document (.docx)' (which removes the macros) and try again",
            )
