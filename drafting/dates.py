"""Dates as the styles and the byline print them: partial dates stay partial."""

from __future__ import annotations

import datetime as dt

from drafting.model import PartialDate

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_long(value: PartialDate | dt.date | None) -> str:
    """Chicago: "November 11, 2021", "November 2021", "2021"."""
    date = _partial(value)
    if date is None:
        return ""
    if date.month and date.day:
        return f"{MONTH_NAMES[date.month - 1]} {date.day}, {date.year}"
    if date.month:
        return f"{MONTH_NAMES[date.month - 1]} {date.year}"
    return str(date.year)


def date_dmy(value: PartialDate | dt.date | None) -> str:
    """OSCOLA and British usage: "11 November 2021"."""
    date = _partial(value)
    if date is None:
        return ""
    words = [str(date.day)] if date.month and date.day else []
    if date.month:
        words.append(MONTH_NAMES[date.month - 1])
    return " ".join([*words, str(date.year)])


def _partial(value: PartialDate | dt.date | None) -> PartialDate | None:
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    return value
