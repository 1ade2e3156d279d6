"""Names and titles are sorted without building pyuca's whole table when they need no
contraction and no implicit weight: their keys must be exactly the keys pyuca gives, so a
list mixing both kinds sorts as before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.render.style_filters import _collator, collation_key

ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=40)
MIXED = st.lists(
    st.sampled_from(
        [*"Kramer König Åberg l·L·LŁłßøœ’–—“”éèêëçñ", "e\u0301", "\u0387", "ǅ", "中", "ﬁ"]
    ),
    max_size=12,
).map("".join)


def _key(value: str) -> tuple[int, ...]:
    return collation_key(value)


def test_every_ascii_character_keys_as_pyuca_does() -> None:
    collator = _collator()  # the full table, as for non-ASCII text
    for code in range(128):
        assert _key(chr(code)) == tuple(collator.sort_key(chr(code))), hex(code)


@settings(max_examples=300, deadline=None)
@given(ASCII)
def test_ascii_strings_key_as_pyuca_does(value: str) -> None:
    assert _key(value) == tuple(_collator().sort_key(value))


def test_mixed_list_keeps_koenig_before_kramer() -> None:
    names = ["Kramer", "König", "Koenig", "Åberg", "Abbott", "de Vries", "Zhou", "O'Brien"]
    assert sorted(names, key=collation_key) == sorted(names, key=lambda n: _collator().sort_key(n))
    assert sorted(["Kramer", "König"], key=collation_key) == ["König", "Kramer"]


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_accented_strings_key_as_pyuca_does(value: str) -> None:
    assert collation_key(value) == tuple(_collator().sort_key(value))
