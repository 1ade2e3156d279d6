"""Pinpoint locators a quote can be checked against: paragraphs and pages.

`para. 3`, `paras. 3–5`, `paragraph 3`, `¶ 3`, `¶¶ 3-4`, `§ 176`, `§§ 17–18` name paragraphs;
`p. 12`, `pp. 12–14`, `page iv` name pages (by their printed label, so roman numerals too).
Anything else ("at 02:14", "fn. 3", "Table 2") is printed as written and not checked.

Which paragraph `para. N` means depends on the document: when it prints its own numbers
("18. The Committee...", "§ 176"), the printed number; otherwise the count of the reader's
paragraphs. Pages are a PDF's printed page labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# Anchored, bounded and without nested repetition: linear on any input (no backtracking
# blow-up on a long or hostile locator).
_LOCATOR = re.compile(
    r"(?P<kind>paras?\.?|paragraphs?|¶¶?|§§?|pp?\.?|pages?)\s{0,3}"
    r"(?P<first>[0-9]{1,6}|[ivxlcdm]{1,12})"
    r"(?:\s{0,3}(?:[-–—]|to)\s{0,3}(?P<last>[0-9]{1,6}|[ivxlcdm]{1,12}))?",
    re.IGNORECASE,
)
MAX_LOCATOR_LENGTH = 60


@dataclass(frozen=True, slots=True)
class Locator:
    """A checkable locator: which kind of unit, and the first and last of the range."""

    kind: Literal["paragraph", "page"]
    first: str
    last: str
    typed: str = ""
    """The word or sign as typed ("para.", "§", "pp."), so that a fix is written alike."""

    def write(self, first: str, last: str) -> str:
        """This locator's style for another range: `§ 176`, `paras. 3–4`, `p. ii`."""
        singular, plural = _FORMS.get(self.typed.lower(), ("para.", "paras."))
        if self.kind == "page" and self.typed.lower() not in _FORMS:
            singular, plural = "p.", "pp."
        return f"{singular} {first}" if first == last else f"{plural} {first}–{last}"


_FORMS = {
    form: pair
    for pair in (
        ("para.", "paras."), ("para", "paras"), ("paragraph", "paragraphs"), ("¶", "¶¶"),
        ("§", "§§"), ("p.", "pp."), ("p", "pp"), ("page", "pages"),
    )
    for form in pair
}  # fmt: skip


def parse_locator(text: str) -> Locator | None:
    """The paragraphs or pages a locator names, or None when it names something else."""
    text = text.strip()
    if len(text) > MAX_LOCATOR_LENGTH:
        return None
    found = _LOCATOR.fullmatch(text)
    if found is None:
        return None
    kind = found.group("kind").lower()
    first = found.group("first").lower()
    last = (found.group("last") or first).lower()
    if kind.startswith("p") and not kind.startswith("para"):
        return Locator("page", first, last, found.group("kind"))
    if not (first.isdigit() and last.isdigit()):
        return None  # roman paragraph numbers are not a thing documents print
    return Locator("paragraph", str(int(first)), str(int(last)), found.group("kind"))
