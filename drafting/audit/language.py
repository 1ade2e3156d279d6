"""Does a claim's wording match its standard of proof?

A claim whose status is `alleged` rests on someone's word, so the brief must say whose:
"according to X", "X said", "X alleged". A sentence that states an allegation as plain fact
is reported (`unhedged-allegation`). The words below are the evidence of attribution; extend
`HEDGES` when authors use a wording that attributes but is missing here.
"""

from __future__ import annotations

import re

HEDGES: tuple[str, ...] = (
    # attribution
    "according to",
    "in the words of",
    "as reported by",
    "quoted",
    "told",
    "testified",
    "testimony",
    # verbs of saying, in their usual forms
    "say",
    "says",
    "said",
    "state",
    "states",
    "stated",
    "claim",
    "claims",
    "claimed",
    "allege",
    "alleges",
    "alleged",
    "allegedly",
    "describe",
    "describes",
    "described",
    "assert",
    "asserts",
    "asserted",
    "accuse",
    "accuses",
    "accused",
    "maintain",
    "maintains",
    "maintained",
    "report",
    "reports",
    "reported",
    "reportedly",
    "purportedly",
    "believes",
    "believed",
)
"""Words and phrases that attribute a statement to someone (matched as whole words, in any
case). A claim with status `alleged` needs at least one of them."""

_HEDGE = re.compile(
    r"\b(?:" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in HEDGES) + r")\b",
    re.IGNORECASE,
)


def hedge_in(text: str) -> str | None:
    """The first attribution word or phrase in `text`, or None if it states a plain fact."""
    found = _HEDGE.search(text)
    return found.group(0) if found else None
