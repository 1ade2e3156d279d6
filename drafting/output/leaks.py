"""The leak scan: proof, on every public build, that no confidential string is in the outputs.

It runs on the bytes produced in memory, before anything is written, and reads every part of
a .docx package (document, notes, headers, comments, properties, relationships, bookmark
names, even the part names) and the .md twice: as raw text, and as text with the markup
removed and character references decoded, so that a name split over two Word runs or written
`&#76;indqvist` is still found. Both sides are compared in one normal form (NFKC, case-folded,
format characters and Markdown's `*` and `\\` dropped, quotes made plain, dashes and `_`
read as spaces, whitespace collapsed). All secrets are found in one pass per text with a regular
expression built as a trie, so the cost grows with the size of the outputs, not with
outputs x secrets.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from drafting.model import Claim, Location, Source
from drafting.problems import DraftError, Problem, error

MIN_LENGTH = 4
"""Shorter strings ("Li", "A.") would match everywhere; they identify no one alone."""

# Unicode's format characters (category Cf: soft hyphen, zero-width joiners, bidi controls...)
# are invisible in print, so a name with one inside reads the same. tests/test_editions.py
# checks these ranges against the running Python's Unicode database.
FORMAT_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        # "Anna-Lindqvist", "anna_lindqvist" (a bookmark name) and "Anna Lindqvist" are one
        **dict.fromkeys("-‐‑‒–—―−_", " "),
        **dict.fromkeys("*\\", None),
        **{chr(c): None for low, high in FORMAT_RANGES for c in range(low, high + 1)},
    }
)
_SPACE = re.compile(r"\s{2,}|[^\S ]")  # only what is not already one plain space
_TAG = re.compile(r"<[^>]*>")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, recover=False
)


def normal(text: str) -> str:
    """The one form both secrets and outputs are compared in."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PLAIN)
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Secret:
    """A string the public edition must not contain, and where it comes from."""

    text: str
    origin: str
    """Names the field, never the text: "source 'witness-a', field author"."""
    source: Source | None = None
    claim: Claim | None = None

    @property
    def location(self) -> Location | None:
        owner = self.claim or self.source
        return owner.location if owner is not None else None


@dataclass(frozen=True, slots=True)
class Leak:
    secret: Secret
    where: str
    """"saratov-otb1.docx, part word/footnotes.xml"."""


class Scanner:
    """Every secret, compiled once into a single trie-shaped regular expression."""

    def __init__(self, secrets: Iterable[Secret], shown: Iterable[str] = ()) -> None:
        allowed = [normal(t) for t in shown]
        self.origins: dict[str, list[Secret]] = {}
        for secret in secrets:
            needle = normal(secret.text)
            # Text the public edition is meant to show (a redacted label) is no leak.
            if len(needle) < MIN_LENGTH or any(needle in a for a in allowed):
                continue
            self.origins.setdefault(needle, []).append(secret)
        self.pattern = _trie_regex(self.origins) if self.origins else None

    def find(self, text: str) -> set[str]:
        """The (normal forms of the) secrets that occur in `text`."""
        if self.pattern is None:
            return set()
        return {m.group(0) for m in self.pattern.finditer(normal(text))}


def scan(outputs: Mapping[Path, bytes], scanner: Scanner) -> list[Leak]:
    """Every secret found in any output, once per (secret, output part)."""
    leaks: list[Leak] = []
    if scanner.pattern is None:  # nothing confidential: no part need be opened (most briefs)
        return leaks
    for path, data in outputs.items():
        for part, views in _views(path, data):
            hits: set[str] = set()
            for view in views:
                hits |= scanner.find(view)
            where = f"{path.name}, part {part}" if part else path.name
            leaks.extend(Leak(s, where) for h in sorted(hits) for s in scanner.origins[h])
    return leaks


def check(outputs: Mapping[Path, bytes], secrets: Iterable[Secret], shown: Iterable[str]) -> None:
    """Raise `confidential-leak` (one problem per secret's origin) if any output holds one."""
    leaks = scan(outputs, Scanner(secrets, shown))
    if leaks:
        raise DraftError(_problems(leaks))


def _problems(leaks: list[Leak]) -> list[Problem]:
    by_origin: dict[str, list[Leak]] = {}
    for leak in leaks:
        by_origin.setdefault(leak.secret.origin, []).append(leak)
    problems = []
    for origin, found in by_origin.items():
        secret = found[0].secret
        places = "; ".join(dict.fromkeys(leak.where for leak in found))
        problems.append(
            error(
                "confidential-leak",
                f"the public edition would print {origin} (in {places}); nothing was written. "
                "Remove it from the claim or template that prints it, mark that claim "
                "'confidential: true', or build the internal edition with --edition internal",
                secret.location,
            )
        )
    return problems


def _views(path: Path, data: bytes) -> Iterator[tuple[str, list[str]]]:
    """(part name, texts to search) for one output; a .docx gives one entry per zip part."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raw = data.decode("utf-8", "replace")
        yield "", [raw, html.unescape(raw)]
        return
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        yield "(part names)", ["\n".join(names), package.comment.decode("utf-8", "replace")]
        for name in names:
            raw = package.read(name).decode("utf-8", "replace")
            yield name, [raw, _xml_text(raw)]


def _xml_text(raw: str) -> str:
    """The text of an XML part with runs joined and references decoded; attributes after."""
    try:
        root: Any = etree.fromstring(raw.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return html.unescape(_TAG.sub("", raw))  # not XML (an image): the raw view covers it
    text = "".join(t for t in root.itertext() if isinstance(t, str))
    attributes = "\n".join(v for element in root.iter() for v in element.attrib.values())
    return f"{text}\n{attributes}"


def _trie_regex(needles: Iterable[str]) -> re.Pattern[str]:
    """One alternation shaped as a trie: at each position the engine follows one path."""
    trie: dict[str, Any] = {}
    for needle in needles:
        node = trie
        for char in needle:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_pattern(trie))


def _pattern(node: dict[str, Any]) -> str:
    """Chains of single letters are written flat, so a long secret costs no recursion."""
    chain = ""
    while len(node) == 1 and "" not in node:
        char, node = next(iter(node.items()))
        chain += re.escape(char)
    if not node:
        return chain
    branches = [re.escape(char) + _pattern(child) for char, child in node.items() if char]
    if "" in node:
        branches.append("")  # a secret ends here; longer ones are tried first
    if len(branches) == 1:
        return chain + branches[0]
    return chain + "(?:" + "|".join(branches) + ")"
