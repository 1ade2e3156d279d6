"""Independence of sources: follow `origin` links to the roots a source rests on.

A source's roots are the sources reachable through `origin` that rely on nothing further
(a key that is not in the library counts as a root too). Two sources are not independent
when their root sets share a root, so a claim's independent origins are the groups left
after merging its sources whose roots overlap. Cycles are followed once and reported; a
pure cycle (no way out) counts its members as its roots.

A claim's citation "X, quoted in Y" (`quoted_in`) is known only through Y, so it rests on Y's
roots as well as X's: a witness quoted in an article and that article are one origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from drafting.model import Source, SourceRef


def reachable(key: str, sources: Mapping[str, Source]) -> set[str]:
    """`key` and everything it relies on, each visited once (cycles cannot hang)."""
    seen, frontier = {key}, [key]
    while frontier:
        current = frontier.pop()
        for parent in sources[current].origin if current in sources else ():
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


def roots(key: str, sources: Mapping[str, Source]) -> frozenset[str]:
    reach = reachable(key, sources)
    found = {k for k in reach if k not in sources or not sources[k].origin}
    return frozenset(found or reach)


def citation_groups(
    refs: Iterable[SourceRef], sources: Mapping[str, Source]
) -> tuple[tuple[str, ...], ...]:
    """`independent_groups` of a claim's citations, each with what it is quoted in."""
    return _groups(
        (roots(r.key, sources) | (roots(r.quoted_in, sources) if r.quoted_in else frozenset()))
        for r in refs
    )


def independent_groups(
    keys: Iterable[str], sources: Mapping[str, Source]
) -> tuple[tuple[str, ...], ...]:
    """Merge the root sets that share a root; one sorted tuple of roots per independent origin."""
    return _groups(roots(key, sources) for key in dict.fromkeys(keys))


def _groups(root_sets: Iterable[frozenset[str]]) -> tuple[tuple[str, ...], ...]:
    groups: list[set[str]] = []
    for found in root_sets:
        merged = set(found)
        for group in [g for g in groups if g & merged]:
            merged |= group
            groups.remove(group)
        groups.append(merged)
    return tuple(sorted(tuple(sorted(g)) for g in groups))


def cycles(keys: Iterable[str], sources: Mapping[str, Source]) -> list[tuple[str, ...]]:
    """The origin cycles among what `keys` rely on, each once, as sorted member keys."""
    nodes = set().union(*(reachable(k, sources) for k in keys))
    found: dict[frozenset[str], None] = {}
    for node in sorted(nodes):
        parents = sources[node].origin if node in sources else ()
        after = set().union(*(reachable(p, sources) for p in parents)) if parents else set()
        if node in after:  # the node relies, through others, on itself
            members = frozenset(m for m in after if node in reachable(m, sources))
            found.setdefault(members, None)
    return [tuple(sorted(c)) for c in found]
