"""Pause Python's cyclic garbage collector around stages that build many small objects.

Each collection of the oldest generation scans every object alive, and loading or rendering a
long brief triggers many of them while the brief itself is alive: at 20,000 claims they were
half of the time spent loading the YAML, and that share grows with the brief. The objects
these stages make (YAML nodes, tokens, document nodes, XML elements) are freed by reference
counting; the few reference cycles among them are collected once the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks are fine)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """`function` runs with the collector paused."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return function(*args, **kwargs)

    return paused


@cache
def freeze_imported() -> None:
    """Once per process, when the modules a command needs are imported: what is alive then
    (modules, functions, classes, tables: most objects of a short run) is left out of every
    later collection, which then scans only what the command itself made."""
    gc.freeze()
