"""The two data models of the pipeline, as frozen dataclasses and nothing else.

*Input model* (what the loaders produce from YAML and BibTeX): `Source`, `Claim`, `Report`.
*Document model* (what the templates and the citation pass produce, and every writer reads):
`Document`, its `Block`s and `Inline`s, in the spirit of pandoc's AST. Writers never see the
input model, so the Markdown and Word outputs cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

# --------------------------------------------------------------------------- input model


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an input file, for diagnostics."""

    file: Path
    """The file, absolute."""
    line: int | None = None
    """1-based line, when known."""
    column: int | None = None
    """1-based column, when known."""


@dataclass(frozen=True, slots=True)
class Name:
    """One author: a person (`family`, `given`) or an organisation (`literal`)."""

    family: str = ""
    """Family name, with any particle ("van der Berg")."""
    given: str = ""
    """Given names."""
    literal: str = ""
    """Corporate author kept whole ("Human Rights Watch"); set instead of family/given."""
    suffix: str = ""
    """"Jr.", "III"."""

    @property
    def is_corporate(self) -> bool:
        return bool(self.literal)

    @property
    def is_others(self) -> bool:
        """BibTeX's "and others": render as "et al."."""
        return self.family == "others" and not self.given


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, month or day, as bibliographies record them."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the source library. Missing data stays empty: nothing is invented."""

    key: str
    """Citation key."""
    kind: str
    """One of `KINDS` (BibLaTeX's names; aliases and CSL types are mapped onto them)."""
    location: Location
    """Where the entry starts in its .bib file (or the line of its `id` in a .json file)."""
    title: str = ""
    shorttitle: str = ""
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    container: str = ""
    """Journal, newspaper, website, or the book a chapter is in."""
    publisher: str = ""
    """Publisher or institution."""
    place: str = ""
    """Place of publication, or where an interview took place (`location`, `address`)."""
    number: str = ""
    """Report or document number ("A/HRC/47/26"); a case's application number."""
    genre: str = ""
    """Kind of document or medium ("Research report", "Interview", "Video")."""
    volume: str = ""
    issue: str = ""
    """A journal's issue (BibTeX `number` or `issue` of an @article, CSL `issue`)."""
    pages: str = ""
    """The page range of an article or chapter, "455–478" (en dash)."""
    doi: str = ""
    """A DOI without its resolver ("10.1093/hrlr/ngy020")."""
    edition: str = ""
    """As written: "3" (printed as an ordinal) or "Rev." (printed as it is)."""
    translators: tuple[Name, ...] = ()
    authority: str = ""
    """The court of a case (BibLaTeX `institution` or `court` of @jurisdiction, CSL `authority`)."""
    date: PartialDate | None = None
    url: str = ""
    urldate: PartialDate | None = None
    """When the URL was last checked (BibLaTeX `urldate`, CSL `accessed`)."""
    archive_url: str = ""
    """A web archive's copy (house rule: printed as "archived at <...> on ...")."""
    archive_date: PartialDate | None = None
    note: str = ""
    snapshot: Path | None = None
    """The archived copy (`file` field), absolute; checked to stay inside the workspace."""
    sha256: str = ""
    """Digest of the snapshot recorded when it was archived."""
    origin: tuple[str, ...] = ()
    """Keys of the sources this one relies on (a reprint, a quoted interview)."""
    confidential: bool = False
    """A witness or other source that the public edition must not name."""
    redacted: str = ""
    """What the public edition prints instead of a confidential source (`redacted` field)."""
    fields: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    """Every field of the entry, LaTeX-decoded, for style templates that need more."""


KINDS = (
    "article",
    "online",
    "report",
    "book",
    "incollection",
    "thesis",
    "video",
    "audio",
    "legislation",
    "jurisdiction",
    "dataset",
    "misc",
)
"""Source kinds the shipped styles know; anything else is printed as `misc`."""


STATUSES = ("alleged", "reported", "corroborated", "confirmed")
"""Standards of proof a claim can declare, weakest first."""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A claim's reference to one source."""

    key: str
    location: Location
    quote: str = ""
    """Exact words from the archived snapshot that support the claim."""
    locator: str = ""
    """Pinpoint: "para. 3", "p. 12", "at 02:14"."""
    quoted_in: str = ""
    """Key of the source through which this one is known ("X, quoted in Y")."""
    quote_location: Location | None = None
    """Where the `quote:` field is, for problems with the quote (None: use `location`)."""
    locator_location: Location | None = None
    """Where the `locator:` field is, for problems with the locator (None: the quote's)."""
    translation: str = ""
    """The organisation's translation of `quote`, which stays in the source's language."""


@dataclass(frozen=True, slots=True)
class Claim:
    """One assertion, with the sources that support it."""

    id: str
    text: str
    """The sentence as it appears in the brief; may use *emphasis* and **strong**."""
    location: Location
    status: str = "reported"
    sources: tuple[SourceRef, ...] = ()
    ignore: tuple[str, ...] = ()
    """Problem codes accepted for this claim by the authors."""
    confidential: bool = False
    """Printed in the internal edition only (`confidential: true`)."""


@dataclass(frozen=True, slots=True)
class ClaimUse:
    """A paragraph part that places a claim."""

    id: str
    location: Location


@dataclass(frozen=True, slots=True)
class OrgText:
    """A paragraph part in the organisation's own voice; needs no source."""

    text: str
    location: Location


Part = ClaimUse | OrgText


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    paragraphs: tuple[tuple[Part, ...], ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Report:
    """A brief as its authors wrote it, before any checking."""

    name: str
    """Folder name under reports/; also the output file stem."""
    location: Location
    """report.yaml."""
    title: str
    organisation: str
    date: dt.date | None
    subtitle: str = ""
    style: str = "chicago-note"
    style_options: Mapping[str, str | int | float | bool] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """`style_options:` in report.yaml, given to the style template as `options`."""
    sections: tuple[Section, ...] = ()
    claims: Mapping[str, Claim] = field(default_factory=lambda: MappingProxyType({}))


# --------------------------------------------------------------------------- document model


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    """Literal text; never interpreted as markup by any writer."""


@dataclass(frozen=True, slots=True)
class Emph:
    content: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    content: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """The words of one claim; writers may mark its extent (Word bookmarks)."""

    claim_id: str
    content: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class CiteItem:
    key: str
    locator: str = ""
    quoted_in: str = ""
    quote: str = ""
    """The quote in the source's language, as the claim gives it (printed with `translation`)."""
    translation: str = ""
    """The organisation's translation of `quote`; the style prints both when it is given."""


@dataclass(frozen=True, slots=True)
class Cite:
    """A citation as the parser finds it; `citations.resolve` turns it into a `Note`."""

    claim_id: str
    items: tuple[CiteItem, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote, numbered in document order."""

    number: int
    content: tuple[Inline, ...]
    claim_id: str = ""
    keys: tuple[str, ...] = ()
    """Sources the note cites, for leak scans and manifests."""


Inline = Text | Emph | Strong | ClaimSpan | Cite | Note


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    """1 for a section; the document title lives in `Meta`, not here."""
    content: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Para:
    content: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[tuple[Inline, ...], ...]
    """One paragraph of inlines per item."""


Block = Heading | Para | BulletList


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    organisation: str
    date: dt.date | None
    subtitle: str = ""
    report: str = ""
    """The report's name (its folder), recorded in the .docx manifest for `draft verify`."""
    banner: str = ""
    """A warning every page carries ("INTERNAL — ..."); empty for the public edition."""


@dataclass(frozen=True, slots=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...]
