"""What the audit found for one citation: the light part of the quote check.

Kept apart from `quote_checks` (the matcher, normalisation, the library index, rapidfuzz),
so that a run whose citations all come from the memo (`citation_memo`) never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafting.model import Location

CitationOutcome = str
"""exact | normalised | fuzzy | not-found | no-quote | no-archive | unknown-source"""


@dataclass(frozen=True, slots=True)
class CitationAudit:
    key: str
    location: Location
    quote: str
    locator: str
    outcome: CitationOutcome
    score: float | None = None
    paragraph: int | None = None
    """Paragraph where the quote (or the closest passage) starts, in the document's own
    numbering (`numbering`)."""
    passage: str = ""
    """The snapshot's own words: the passage found, or the closest one."""
    numbering: str = ""
    """`printed` (the document numbers its paragraphs) or `counted`; "" without a passage."""
    page: str | None = None
    """The PDF page label where the passage starts."""
    editorial: tuple[str, ...] = ()
    """How each editorial mark of the quote reads against the source ("[…] leaves out ...")."""
    translation: str = ""
    found_elsewhere: str = ""
    """Where the quote is when it is not in the source's text: "the page's navigation" or
    "source 'KEY'"."""
    spans: tuple[tuple[int, int], ...] = ()
    """Each fragment's passage as offsets into the snapshot's text, in order (the review page
    highlights them); () when there is no passage."""
