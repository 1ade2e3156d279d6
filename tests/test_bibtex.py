"""BibTeX value syntax that Zotero and hand-written libraries use."""

from __future__ import annotations

import pytest

from drafting.load.bibtex import resolve_value

MACROS = {"hrw": "{Human Rights Watch}"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{Plain title}", "Plain title"),
        ('"Quoted title"', "Quoted title"),
        ("hrw", "Human Rights Watch"),
        ("hrw # { Press}", "Human Rights Watch Press"),
        ('hrw # " and # friends"', "Human Rights Watch and # friends"),
        ("{A {# nested} value}", "A {# nested} value"),
        ("nov", "11"),
        ("2021", "2021"),
    ],
)
def test_values_resolve_macros_and_concatenation(raw: str, expected: str) -> None:
    assert resolve_value(raw, MACROS) == expected
