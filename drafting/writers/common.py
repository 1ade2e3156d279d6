"""What both writers derive from the document's metadata, so they say it the same way."""

from __future__ import annotations

from drafting.dates import date_dmy
from drafting.model import Meta


def byline(meta: Meta) -> str:
    """ "Example Rights Monitor, 25 November 2021"."""
    return ", ".join(p for p in (meta.organisation, date_dmy(meta.date)) if p)
