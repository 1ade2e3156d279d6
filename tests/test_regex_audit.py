"""No regular expression in `draft` may backtrack catastrophically.

Every compiled pattern of every module in drafting/ is found at run time (a new one is audited
without touching this file) and run against adversarial text built from its own characters:
long runs of one or two characters, ending in a character that makes the match fail, which is
what sends a backtracking engine exponential. Each input must be answered within a bound
that a linear or quadratic pattern meets a hundred times over (so a loaded machine does not
make the test flaky) and an exponential one misses by years.
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import re
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

import drafting

SECONDS_PER_INPUT = 1.0
EXTRA = " \t\na1xXiIvc,.;:-–&!?()[]{}¶§…‘’“”`'\"\\/@#*_^~=<>|%$"


def _patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Module-level patterns, also inside tuples, lists and dicts; each object once."""
    seen: set[int] = set()
    for info in pkgutil.walk_packages(drafting.__path__, "drafting."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            found = _members(value)
            for i, item in enumerate(found):
                if (
                    isinstance(item, re.Pattern)
                    and isinstance(item.pattern, str)
                    and id(item) not in seen
                ):
                    seen.add(id(item))
                    yield f"{info.name}.{name}" + (f"[{i}]" if len(found) > 1 else ""), item


def _members(value: object) -> list[object]:
    if isinstance(value, tuple | list):
        return [x for item in value for x in (item if isinstance(item, tuple) else (item,))]
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def _alphabet(pattern: re.Pattern[str]) -> list[str]:
    literal = {c for c in pattern.pattern if not c.isspace() or c == " "}
    words = re.findall(r"[A-Za-z]{2,}", pattern.pattern)  # alternatives such as "and", "para"
    return sorted(literal | set(EXTRA)) + sorted(set(words))


def _inputs(pattern: re.Pattern[str]) -> Iterator[str]:
    units = _alphabet(pattern)
    singles = [u for u in units if len(u) == 1]
    for unit in units:
        for tail in ("", "!", "\x00", "\n!"):
            yield unit * (1000 // len(unit)) + tail
    for a, b in itertools.product(singles, repeat=2):
        if a != b:
            for tail in ("!", "\x00"):
                yield (a + b) * 40 + tail
                yield a + b * 60 + tail


class _Slow(Exception):  # noqa: N818
    pass


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Slow


PATTERNS = dict(_patterns())


def test_the_audit_finds_the_patterns() -> None:
    assert len(PATTERNS) >= 25, sorted(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_backtracks_catastrophically(name: str) -> None:
    pattern = PATTERNS[name]
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for text in _inputs(pattern):
            signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_INPUT)
            try:
                pattern.search(text)
                pattern.match(text)
                pattern.fullmatch(text)
                pattern.sub("", text)
            except _Slow:
                pytest.fail(
                    f"{name} ({pattern.pattern!r}) took more than {SECONDS_PER_INPUT} s "
                    f"on {text[:60]!r}... ({len(text)} characters)"
                )
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
