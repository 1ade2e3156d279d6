"""The Markdown writer's shortcut: text that no escape applies to is returned as it is."""

from __future__ import annotations

import random

import pytest

from drafting.writers import markdown

# characters every substitution of `markdown._escape` looks for, and ordinary ones
ALPHABET = "ab1 .-:+@&#;*_`\\[]<>~^${}|()=\u00a0é—\n"


@pytest.mark.parametrize("seed", range(10))
def test_escape_is_the_full_substitution_chain(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14)))
        for line_start in (False, True):
            assert markdown.escape(text, line_start) == markdown._escape(text, line_start), text


@pytest.mark.parametrize(
    "text", ["a--b", "wait...", "see :smile: here", "x@y", "&amp;", "1. item", "a|b", "plain"]
)
def test_escape_examples(text: str) -> None:
    assert markdown.escape(text) == markdown._escape(text, False)
