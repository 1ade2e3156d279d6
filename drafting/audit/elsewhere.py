"""Which snapshots of the library may hold a quote that is missing from its own source.

A quote not found in the source it cites is looked for in every other source
(`quote-in-other-source`). Trying each of hundreds of snapshots in turn costs a substring
search in each, and a normalisation of each (typography folded) the first time: about a
second and a half for a 2,000-claim brief with 400 sources. `LibraryIndex` is built once per
audit, the first time it is needed, and rules most snapshots out with one search of their
word runs (`normalise.WORD_RUN`), joined: a text that holds the quote holds its word runs one
after the other, the first possibly as the end of a longer word and the last as the start of
one. That holds for the normalised text too when normalising keeps the word runs as they are
(`normalise.keeps_words`); the snapshots where it does not (words broken at a line end,
ligatures, invisible characters) are always tried, as before. So the answer is the same as
trying every snapshot; only the work is less.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from drafting.audit.normalise import WORD_RUN, keeps_words
from drafting.audit.snapshots import Snapshot, SnapshotCache, UnreadableSnapshotError
from drafting.model import Source

_JOIN = "\x00"
"""Between two snapshots' word runs in the joined text; no needle holds it, so a hit never
spans two snapshots."""

Fingerprint = tuple[tuple[str, str, str], ...]
"""Each source's key, snapshot path and address: the index is rebuilt when any changes."""


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    source: Source
    snapshot: Snapshot


class LibraryIndex:
    """The library's readable snapshots, in key order, and their texts joined."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        texts = [_words(e.snapshot.text) for e in entries]
        self._joined = _JOIN.join(texts)
        self._starts = [0]
        for text in texts[:-1]:
            self._starts.append(self._starts[-1] + len(text) + len(_JOIN))
        self._always = [k for k, e in enumerate(entries) if not keeps_words(e.snapshot.text)]

    def candidates(self, *needles: str) -> Iterator[Entry]:
        """The entries, in key order, that may hold any of `needles` (a quote as typed, and
        normalised): all but those whose word runs lack the needle's and whose
        normalisation keeps word runs."""
        words = [_words(n) for n in needles]
        if not all(words):  # a needle without a word run: nothing to rule out by
            yield from self.entries
            return
        chosen = set(self._always)
        for run in set(words):
            chosen.update(self._holding(run))
        for k in sorted(chosen):
            yield self.entries[k]

    def _holding(self, words: str) -> Iterator[int]:
        """Indexes of the entries whose word runs hold `words`, each once."""
        at = self._joined.find(words)
        while at >= 0:
            k = bisect.bisect_right(self._starts, at) - 1
            yield k
            if k + 1 >= len(self._starts):
                return
            at = self._joined.find(words, self._starts[k + 1])


def _words(text: str) -> str:
    """The word runs of `text`, one space between them."""
    return " ".join(WORD_RUN.findall(text))


def library_index(sources: Mapping[str, Source], snapshots: SnapshotCache) -> LibraryIndex:
    """The index of `sources`' snapshots, built on first use and kept in `snapshots` (one
    audit) for as long as the sources name the same files."""
    snapshots.library_lookups += 1
    fingerprint: Fingerprint = tuple(
        (key, str(s.snapshot), s.url or "") for key, s in sorted(sources.items())
    )
    found = snapshots.derived.get(fingerprint)
    if isinstance(found, LibraryIndex):
        return found
    entries = []
    for key, source in sorted(sources.items()):
        snapshot = _text_of(snapshots, source)
        if snapshot is not None:
            entries.append(Entry(key, source, snapshot))
    index = LibraryIndex(entries)
    snapshots.derived[fingerprint] = index
    return index


def _text_of(snapshots: SnapshotCache, source: Source) -> Snapshot | None:
    if source.snapshot is None or not source.snapshot.is_file():
        return None
    try:
        return snapshots.get(source.snapshot, source.url or None)
    except UnreadableSnapshotError:
        return None
