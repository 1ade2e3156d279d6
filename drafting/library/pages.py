"""`draft sources add FILE`: a library entry from what a saved page says about itself.

A page saved from the browser (HTML), a PDF, or a web-archive capture (WARC, WACZ) usually
states its own title, authors, outlet, date and address, in the forms publishers write for
Google Scholar (`citation_*` meta tags), social media (Open Graph `og:*`, `article:*`) and
search engines (JSON-LD, schema.org). Only those statements are used, in that order of
trust: nothing is fetched, looked up or guessed, and a field no form states is left out (the
audit's `missing-metadata` then says what to add by hand). The entry is appended to the
library's .bib as raw text; the file is then archived by `library.archive.archive`, which
records `file` and `sha256` in it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafting.library.archive import Archived, archive, archived_name
from drafting.load.sources import load_sources
from drafting.load.workspace import Workspace
from drafting.model import Location
from drafting.output.atomic import write_atomic
from drafting.problems import DraftError, fail

KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
LIMIT = 50_000_000
"""Largest page body read from a web archive."""


@dataclass(slots=True)
class PageMeta:
    """What the page states about itself; empty fields were not stated."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    outlet: str = ""
    date: str = ""
    """ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD."""
    url: str = ""
    article: bool = False
    """The page says it is an article (og:type, a schema.org *Article, a journal title)."""


def add_source(workspace: Workspace, file: Path, key: str | None = None) -> tuple[str, Archived]:
    """Write an entry for `file` to the library, then archive the file under its key."""
    if not file.is_file():
        raise fail("missing-file", f"'{file}' is not a file; give the saved page to add")
    meta = read_page(file)
    if not meta.title:
        raise fail(
            "no-metadata",
            f"'{file.name}' states no title (no citation_title, og:title, JSON-LD headline, "
            "<title> or PDF title), and none is guessed; write its entry in the .bib by hand "
            "and use draft sources archive KEY FILE",
            Location(file.resolve()),
        )
    sources, problems = load_sources(workspace)
    if any(p.severity == "error" for p in problems):
        raise DraftError(problems)
    key = key or derive_key(meta)
    if not KEY.fullmatch(key):
        raise fail(
            "bad-key",
            f"'{key}' cannot be a citation key: use letters, digits and - _ . : "
            "(e.g. --key guardian-2021-torture)",
        )
    if key in sources:
        raise fail(
            "key-exists",
            f"the library already has a source '{key}'; give another key with --key, or "
            f"archive this file for that source with draft sources archive {key} FILE",
            sources[key].location,
        )
    target = workspace.sources / "archive" / archived_name(key, file)
    if target.exists():
        raise fail(
            "archive-exists",
            f"{target.name} is already in the archive; give another key with --key",
            Location(target),
        )
    bib = _library_file(workspace)
    before = bib.read_bytes() if bib.exists() else None
    text = (before or b"").decode("utf-8")
    separator = (
        "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    )
    write_atomic(bib, (text + separator + to_bibtex(key, meta)).encode("utf-8"))
    try:
        return key, archive(workspace, key, file)
    except BaseException:  # the entry must not stay without its snapshot
        if before is None:
            bib.unlink()
        else:
            write_atomic(bib, before)
        raise


def _library_file(workspace: Workspace) -> Path:
    """The .bib new entries go to: library.bib, else the first .bib, else a new library.bib."""
    preferred = workspace.sources / "library.bib"
    if preferred.exists():
        return preferred
    found = sorted(p for p in workspace.sources.glob("*.bib") if not p.name.startswith("."))
    return found[0] if found else preferred


def read_page(file: Path) -> PageMeta:
    data = file.read_bytes()
    name = file.name.lower()
    if name.endswith(".pdf") or data.startswith(b"%PDF"):
        return _pdf(data)
    if name.endswith((".warc", ".warc.gz", ".wacz")):
        url, body = _capture(data, name)
        return _html(body, url)  # the capture states the address it saved
    if name.endswith((".html", ".htm", ".xhtml")) or data.lstrip()[:1] == b"<":
        return _html(data)
    raise fail(
        "unknown-page-type",
        f"'{file.name}' is not a saved web page (.html), a PDF, or a web archive (.warc, "
        ".warc.gz, .wacz); save the page from the browser as HTML, or print it to PDF",
        Location(file.resolve()),
    )


def _html(data: bytes, captured: str = "") -> PageMeta:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except Exception:  # lxml raises ParserError, ValueError... on a page with no content
        return PageMeta()
    meta: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        content = " ".join((element.get("content") or "").split())
        if name and content:
            meta.setdefault(name, []).append(content)
    ld = list(_json_ld(root))
    page = PageMeta()
    page.title = _first(meta, "citation_title", "dc.title", "og:title") or _ld(
        ld, "headline", "name"
    )
    page.authors = (
        meta.get("citation_author")
        or _ld_authors(ld)
        or [a for a in meta.get("author", []) + meta.get("article:author", []) if "://" not in a]
    )
    page.outlet = _first(
        meta, "citation_journal_title", "citation_publisher", "og:site_name", "dc.publisher"
    ) or _ld_name(ld, "publisher")
    page.date = _iso_date(
        _first(
            meta,
            "citation_publication_date",
            "citation_date",
            "citation_online_date",
            "article:published_time",
            "dc.date",
        )
        or _ld(ld, "datePublished")
    )
    canonical = next((ln.get("href", "") for ln in root.iter("link")
                      if (ln.get("rel") or "").lower() == "canonical"), "")  # fmt: skip
    page.url = (
        _first(meta, "citation_public_url", "citation_abstract_html_url", "og:url")
        or (canonical if canonical.startswith("http") else "")
        or _ld(ld, "url")
        or captured
        or _saved_from(data)
    )
    if not page.title:
        title = root.find(".//title")
        text = "".join(str(t) for t in title.itertext()) if title is not None else ""
        page.title = " ".join(text.split())
    types = {str(item.get("@type", "")) for item in ld}
    page.article = bool(
        "citation_journal_title" in meta
        or _first(meta, "og:type") == "article"
        or any(t.endswith("Article") for t in types)
    )
    return page


def _first(meta: dict[str, list[str]], *names: str) -> str:
    return next((meta[n][0] for n in names if meta.get(n)), "")


def _json_ld(root: Any) -> Iterator[dict[str, Any]]:
    """The schema.org objects of the page's JSON-LD scripts (a @graph is flattened)."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            found = json.loads(script.text or "")
        except ValueError:
            continue
        stack = found if isinstance(found, list) else [found]
        for item in stack:
            if isinstance(item, dict):
                yield item
                yield from (g for g in item.get("@graph", []) if isinstance(g, dict))


def _ld(items: list[dict[str, Any]], *names: str) -> str:
    for item in items:
        for name in names:
            value = item.get(name)
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())
    return ""


def _ld_name(items: list[dict[str, Any]], name: str) -> str:
    for item in items:
        value = item.get(name)
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return " ".join(value["name"].split())
    return ""


def _ld_authors(items: list[dict[str, Any]]) -> list[str]:
    for item in items:
        value = item.get("author")
        people = value if isinstance(value, list) else [value]
        raw: list[Any] = [p.get("name") if isinstance(p, dict) else p for p in people]
        names = [" ".join(n.split()) for n in raw if isinstance(n, str) and n.strip()]
        if names:
            return [n for n in names if "://" not in n]
    return []


def _saved_from(data: bytes) -> str:
    """The address a browser records when it saves a page: `<!-- saved from url=(NN)URL -->`."""
    found = re.search(rb"<!-- saved from url=\(\d+\)(https?://[^\s>]+?) ?-->", data[:4096])
    return found.group(1).decode("ascii", "replace") if found else ""


def _iso_date(text: str) -> str:
    """YYYY-MM-DD (or YYYY-MM, YYYY) from the forms pages use: ISO 8601 with or without a
    time, and Google Scholar's YYYY/MM/DD; anything else is left out, not guessed."""
    found = re.match(r"\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?=$|[T\s+Z])", text)
    if not found:
        return ""
    year, month, day = found.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            return f"{int(year):04d}-{dt.date(int(year), int(month), 1).month:02d}"
    except ValueError:
        return ""
    return year


def _pdf(data: bytes) -> PageMeta:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise fail(
            "unknown-page-type",
            "reading a PDF's properties needs the pdf extra: pip install 'draft-briefs[pdf]'",
        ) from None
    try:
        info: dict[str, Any] = dict(PdfReader(io.BytesIO(data)).metadata or {})
    except Exception:  # pypdf raises many kinds of error on a damaged file
        return PageMeta()
    title = " ".join(str(info.get("/Title") or "").split())
    author = " ".join(str(info.get("/Author") or "").split())
    created = str(info.get("/CreationDate") or "")  # PDF dates: D:YYYYMMDDHHmmSS...
    found = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", created)
    date = "-".join(g for g in found.groups() if g) if found else ""
    return PageMeta(title=title, authors=[author] if author else [], date=_iso_date(date))


def _capture(data: bytes, name: str) -> tuple[str, bytes]:
    """The address and body of the page a WARC or WACZ was made to save."""
    from drafting.audit.extract import UnreadableSnapshotError
    from drafting.audit.extract.archive import read_capture

    url = None
    if name.endswith(".wacz"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                lines = package.read("pages/pages.jsonl").decode("utf-8").splitlines()
            url = next(
                (json.loads(ln)["url"] for ln in lines if '"url"' in ln and '"format"' not in ln),
                None,
            )
        except (KeyError, ValueError, zipfile.BadZipFile):
            url = None
    try:
        capture = read_capture(data, name, url, LIMIT)
    except UnreadableSnapshotError as exc:
        raise fail("unknown-page-type", f"the web archive cannot be read: {exc}") from None
    return capture.url, capture.body


def derive_key(meta: PageMeta) -> str:
    """author-or-outlet + year + first title word, e.g. `osechkin-2021-statements`."""
    who = ""
    if meta.authors:  # the first author's family name: "Family, Given" or "Given Family"
        first = meta.authors[0]
        who = first.split(",")[0] if "," in first else (first.split() or [""])[-1]
    elif meta.outlet:
        who = meta.outlet.split()[0]
    words = [_ascii(w) for w in re.findall(r"\w+", meta.title)]
    title = next((w for w in words if w and w not in {"the", "a", "an"}), "")
    parts = [_ascii(who), meta.date[:4], title]
    return "-".join(p for p in parts if p) or "source"


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def to_bibtex(key: str, meta: PageMeta) -> str:
    kind = "article" if meta.article and meta.outlet else "online" if meta.url else "misc"
    fields = [("title", meta.title)]
    if meta.authors:
        fields.append(("author", " and ".join(_name(a) for a in meta.authors)))
    if meta.outlet:
        fields.append(("journaltitle" if kind == "article" else "publisher", meta.outlet))
    fields += [("date", meta.date), ("url", meta.url)]
    body = "".join(f"  {name} = {{{_escape(value, name)}}},\n" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}}}\n"


def _name(author: str) -> str:
    """A person's name as BibTeX reads it; a name with "and" or a comma in it is kept whole
    in braces (an organisation, or a name BibTeX would split)."""
    if re.search(r"\band\b", author) or author.count(",") > 1:
        return "{" + _escape(author, "author") + "}"
    return _escape(author, "author")


def _escape(text: str, name: str) -> str:
    """LaTeX's special characters escaped, so the loader reads back the page's own text."""
    if name == "url":
        return text.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
    return re.sub(r"([&%$#_{}])", r"\\\1", text).replace("~", r"\textasciitilde{}")


__all__ = ["PageMeta", "add_source", "derive_key", "read_page", "to_bibtex"]
