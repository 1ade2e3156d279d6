"""Web archives: the capture of the source's address in a WARC or WACZ file.

A WARC (`.warc`, `.warc.gz`) holds every response a crawler or a browser-based archiver
(Webrecorder, ArchiveWeb.page, auto-archivers) saw while saving the page: the page, its
images, scripts, redirects. The source's text is the `response` (or `resource`) record whose
`WARC-Target-URI` is the source's `url`, following redirects the capture recorded. A WACZ is
a zip of such WARCs (`archive/*.warc.gz`) with an index (`indexes/index.cdx(.gz)`, CDXJ)
that says which file and byte range holds each address; the index is used when present,
else the WARCs are scanned. The zip is read with bounds: member sizes and compression
ratios are checked before reading (a zip bomb is refused), and member names that would
escape the archive are refused.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from drafting.audit.extract import UnreadableSnapshotError

MAX_REDIRECTS = 5
SHOWN_URLS = 5
"""How many of the archive's addresses an error lists."""
MAX_RATIO = 200
"""Largest compression ratio of a WACZ member: WARCs inside are gzip already (ratio about
1) and indexes compress about 10:1; a zip bomb is thousands to one."""
# Content types read as each format; anything else (images, scripts) is not a document.
KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
}


@dataclass(frozen=True, slots=True)
class Capture:
    """The body of the captured response, and how to read it."""

    url: str
    body: bytes
    kind: str
    """"html", "pdf", "markdown" or "text"."""
    charset: str | None


@dataclass(frozen=True, slots=True)
class _Record:
    url: str
    status: int
    location: str | None
    content_type: str
    body: bytes


def read_capture(data: bytes, name: str, url: str | None, limit: int) -> Capture:
    """The capture of `url` in the archive `data` (a WARC, or a WACZ when `name` says so);
    the response body at most `limit` bytes."""
    if not (data.startswith(b"PK\x03\x04") or name.lower().endswith(".wacz")):
        return _pick(_warc_records(data, limit), url)
    # A zip: a WACZ. zipfile raises many kinds of exception on a damaged or unusual zip
    # (NotImplementedError for an unknown compression or version, RuntimeError when
    # encrypted, zlib errors...): each means the WACZ cannot be read.
    try:
        return _pick(list(_wacz_records(data, url, limit)), url)
    except UnreadableSnapshotError:
        raise
    except Exception as exc:
        raise UnreadableSnapshotError(
            f"it cannot be read as a WACZ (zip) file ({_plain(str(exc)) or type(exc).__name__})"
        ) from None


def _pick(records: Iterable[_Record], url: str | None) -> Capture:
    by_url: dict[str, _Record] = {}
    for record in records:
        key = url_key(record.url)
        # The first successful capture of an address wins; a later 200 replaces an error.
        if key not in by_url or (by_url[key].status >= 400 > record.status):
            by_url[key] = record
    if url is None:
        documents = [r for r in by_url.values() if _kind(r.content_type) and r.status < 300]
        if len(documents) != 1:
            raise UnreadableSnapshotError(
                "it is a web archive and the source has no 'url' saying which capture is the "
                f"source; add the source's url (it holds {_listing(by_url)})"
            )
        return _capture(documents[0])
    wanted = url
    for _ in range(MAX_REDIRECTS + 1):
        found = by_url.get(url_key(wanted))
        if found is None:
            break
        if 300 <= found.status < 400 and found.location:
            wanted = urljoin(found.url, found.location)
            continue
        return _capture(found)
    raise UnreadableSnapshotError(
        f"the web archive holds no capture of {_plain(url)}; it holds {_listing(by_url)}: "
        "correct the source's url or archive a capture of that address"
    )


def _capture(record: _Record) -> Capture:
    if record.status >= 400:
        raise UnreadableSnapshotError(
            f"the capture of {_plain(record.url)} is an error page (HTTP {record.status}); "
            "archive a capture of the page itself"
        )
    kind = _kind(record.content_type)
    if kind is None:
        stated = _plain(record.content_type) or "of no stated type"
        raise UnreadableSnapshotError(
            f"the capture of {_plain(record.url)} is {stated}, not a web page or document"
        )
    return Capture(record.url, record.body, kind, _charset(record.content_type))


def _kind(content_type: str) -> str | None:
    return KINDS.get(content_type.split(";")[0].strip().lower())


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def url_key(url: str) -> str:
    """An address as compared: scheme and host in lower case, no default port, no fragment,
    an empty path as "/" (WARC tools differ on these, the page does not)."""
    url = url.strip().removeprefix("<").removesuffix(">")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{host}{parts.path or '/'}{query}"


def _listing(by_url: dict[str, _Record]) -> str:
    if not by_url:
        return "no page captures at all"
    urls = [_plain(r.url) for r in by_url.values()]
    more = len(urls) - SHOWN_URLS
    shown = ", ".join(urls[:SHOWN_URLS])
    return f"{shown} and {more} more" if more > 0 else shown


def _plain(text: str) -> str:
    """Text from the archive as printed in a message: no control characters."""
    return "".join(c if c.isprintable() else "?" for c in text[:300])


def _warc_records(data: bytes, limit: int) -> list[_Record]:
    """The response and resource records of a WARC, with the bodies of documents."""
    from warcio.archiveiterator import ArchiveIterator

    if not data.lstrip(b"\r\n").startswith((b"\x1f\x8b", b"WARC/")):
        raise UnreadableSnapshotError(
            "it cannot be read as a web archive (it does not start as a WARC file does)"
        )
    records: list[_Record] = []
    # warcio writes its doubts about a record's length straight to stderr; they are not the
    # user's to read. And it raises many kinds of exception on a damaged file (zlib, struct,
    # attribute errors from inside its parser): each means the archive cannot be read.
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            for record in ArchiveIterator(io.BytesIO(data)):
                found = _record(record, limit)
                if found is not None:
                    records.append(found)
    except UnreadableSnapshotError:
        raise
    except Exception as exc:
        raise UnreadableSnapshotError(
            f"it cannot be read as a web archive ({_plain(str(exc)) or type(exc).__name__})"
        ) from None
    return records


def _record(record: Any, limit: int) -> _Record | None:
    if record.format != "warc":  # warcio also reads the older ARC format: not ours
        raise UnreadableSnapshotError("it cannot be read as a web archive (not a WARC)")
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    status, location, content_type = 200, None, ""
    if record.http_headers is not None:
        status = _status(record.http_headers.get_statuscode())
        location = record.http_headers.get_header("Location")
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    body = record.content_stream().read(limit + 1) if _kind(content_type) else b""
    if len(body) > limit:
        raise UnreadableSnapshotError(
            f"the capture of {_plain(url)} is larger than {limit // 1048576} MB"
        )
    return _Record(url, status, location, content_type, body)


def _status(code: str | None) -> int:
    try:
        return int(code or 200)
    except ValueError:
        return 200


def _wacz_records(data: bytes, url: str | None, limit: int) -> Iterator[_Record]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableSnapshotError(f"it cannot be read as a WACZ (zip) file ({exc})") from None
    with archive:
        members = {_safe_name(info): info for info in archive.infolist() if not info.is_dir()}
        index = _index_lines(archive, members, limit)
        if index is not None and url is not None:
            yield from _indexed(archive, members, index, limit)
            return
        for name, info in members.items():
            if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")):
                yield from _warc_records(_member(archive, info, limit * 4), limit)


def _safe_name(info: zipfile.ZipInfo) -> str:
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in info.filename:
        raise UnreadableSnapshotError(
            f"the WACZ holds a file whose name leaves the archive ({_plain(info.filename)})"
        )
    return str(path)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, refusing a zip bomb before inflating it."""
    if info.file_size > limit or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
        raise UnreadableSnapshotError(
            f"the WACZ member {_plain(info.filename)} is too large or too highly compressed "
            "to be a real capture"
        )
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise UnreadableSnapshotError(
            f"its member {_plain(info.filename)} cannot be read ({exc})"
        ) from None
    if len(data) > limit:
        raise UnreadableSnapshotError(f"the WACZ member {_plain(info.filename)} is too large")
    return data


def _index_lines(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], limit: int
) -> list[dict[str, object]] | None:
    for name in ("indexes/index.cdx", "indexes/index.cdxj", "indexes/index.cdx.gz"):
        if name in members:
            raw = _member(archive, members[name], limit)
            if name.endswith(".gz"):
                raw = _gunzip(raw, limit)
            return [entry for line in raw.splitlines() if (entry := _cdxj(line))]
    return None  # no index (or a multi-level one): the WARCs are scanned instead


def _gunzip(raw: bytes, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            data = handle.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise UnreadableSnapshotError(f"the WACZ index cannot be read ({exc})") from None
    if len(data) > limit:
        raise UnreadableSnapshotError("the WACZ index is too large")
    return data


def _cdxj(line: bytes) -> dict[str, object] | None:
    """One CDXJ line ("surt timestamp {json}") as its JSON, with the fields we use."""
    _, _, rest = line.partition(b" {")
    if not rest:
        return None
    try:
        entry = json.loads(b"{" + rest)
    except ValueError:
        return None
    wanted = ("url", "filename", "offset", "length")
    return entry if isinstance(entry, dict) and all(k in entry for k in wanted) else None


def _indexed(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    index: list[dict[str, object]],
    limit: int,
) -> Iterator[_Record]:
    """The records the index lists, each read from its byte range, so only the captures
    asked for are inflated. Entries that are not documents are listed without a body."""
    cache: dict[str, bytes] = {}
    for entry in index:
        url, mime = str(entry["url"]), str(entry.get("mime", ""))
        if _kind(mime) is None:
            yield _Record(url, _status(str(entry.get("status", 200))), None, mime, b"")
            continue
        name = f"archive/{PurePosixPath(str(entry['filename'])).name}"
        if name not in members:
            raise UnreadableSnapshotError(f"its index names {_plain(name)}, which it does not hold")
        if name not in cache:
            cache[name] = _member(archive, members[name], limit * 4)
        try:
            start, length = int(str(entry["offset"])), int(str(entry["length"]))
        except ValueError:
            continue
        yield from _warc_records(cache[name][start : start + length], limit)
