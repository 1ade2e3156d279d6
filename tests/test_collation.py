"""ASCII names and titles are sorted without loading pyuca's whole table: their keys must be
exactly the keys pyuca gives, so a list mixing ASCII and accented names sorts as before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.render.style_filters import _ascii_key, _collator, collation_key

ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=40)


def test_every_ascii_character_keys_as_pyuca_does() -> None:
    collator = _collator()  # the full table, as for non-ASCII text
    for code in range(128):
        assert _ascii_key(chr(code)) == tuple(collator.sort_key(chr(code))), hex(code)


@settings(max_examples=300, deadline=None)
@given(ASCII)
def test_ascii_strings_key_as_pyuca_does(value: str) -> None:
    assert _ascii_key(value) == tuple(_collator().sort_key(value))


def test_mixed_list_keeps_koenig_before_kramer() -> None:
    names = ["Kramer", "König", "Koenig", "Åberg", "Abbott", "de Vries", "Zhou", "O'Brien"]
    assert sorted(names, key=collation_key) == sorted(names, key=lambda n: _collator().sort_key(n))
    assert sorted(["Kramer", "König"], key=collation_key) == ["König", "Kramer"]
