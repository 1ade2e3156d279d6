"""The one-pass YAML reader gives exactly what the long way (bounds, compose, construct) gives.

`yamlfile._read` reads a file in one pass over the parser's events and leaves anchors, aliases,
tags, merge keys, repeated keys and several documents to the long way (`_check_bounds` then
`_compose`), which is the reader as it was. So the long way is the oracle: for generated
documents the values, their types, every position and every problem must match, with the
LibYAML parser and with the pure-Python one.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.load import yamlfile
from drafting.problems import DraftError

PATH = Path("claims.yaml")
LOADERS: list[type[yaml.SafeLoader]] = [yamlfile._Loader, yamlfile._FastLoader]


def _typed(value: Any) -> Any:
    """The value with every type spelled out (True == 1 and a date == its text must differ)."""
    if isinstance(value, dict):
        return ("map", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _outcome(read: Any, text: str, loader: type[yaml.SafeLoader]) -> Any:
    lines = yamlfile._Lines(text)
    try:
        doc = read(text, lines, loader)
    except DraftError as exc:
        return ("problems", repr(exc.problems))
    except yaml.YAMLError as exc:  # reworded by `parse`; here: the same error at the same place
        mark = getattr(exc, "problem_mark", None)
        return ("yaml-error", type(exc).__name__, getattr(mark, "index", None))
    return ("doc", _typed(doc.data), list(doc.marks.items()), list(doc.key_marks.items()))


def _one_pass(text: str, lines: yamlfile._Lines, loader: type[yaml.SafeLoader]) -> Any:
    return yamlfile._read(PATH, text, lines, loader)


def _long_way(text: str, lines: yamlfile._Lines, loader: type[yaml.SafeLoader]) -> Any:
    yamlfile._check_bounds(PATH, loader(text), lines)
    return yamlfile._compose(PATH, loader(text), lines)


def _assert_same(text: str) -> None:
    outcomes = []
    for loader in LOADERS:
        fast = _outcome(_one_pass, text, loader)
        assert fast == _outcome(_long_way, text, loader), (loader.__name__, text)
        outcomes.append(fast)
    if all(outcome[0] == "doc" for outcome in outcomes):
        # LibYAML and pure Python agree, except where an empty value in a flow mapping
        # (`{id: }`) starts: LibYAML says after the space, PyYAML's own parser before it.
        pure, libyaml = (_without_empty_values(outcome) for outcome in outcomes)
        assert pure == libyaml, text
    elif all(outcome[0] == "problems" for outcome in outcomes):
        assert outcomes[0] == outcomes[1], text


def _without_empty_values(outcome: Any) -> Any:
    kind, data, marks, key_marks = outcome
    empty = ("NoneType", "None")
    return kind, data, [(path, mark) for path, mark in marks if _at(data, path) != empty], key_marks


def _at(typed: Any, path: tuple[Any, ...]) -> Any:
    """The typed value at `path`; None where a merge key's marks point at no value."""
    for step in path:
        kind, items = typed
        found = dict(items) if kind == "map" else dict(enumerate(items))
        if kind not in ("map", "list") or step not in found:
            return None
        typed = found[step]
    return typed


SCALARS = [
    "plain text",
    "2:14",
    "010",
    "3.10",
    "on",
    "yes",
    "null",
    "~",
    "NULL",
    "true",
    "False",
    "2021-01-01",
    "2021-13-45",
    "2001-12-14t21:59:43.10-05:00",
    "<<",
    "''",
    '""',
    "'it''s — “quoted”'",
    '"a\\u2028b"',
    '"line\u2028separator"',
    '"tab\there"',
    "para. 5",
    "&a1 anchored",
    "*a1",
    "*a2",
    "!!str 12",
    "!!int 12",
    "|\n  kept\n  lines\n",
    ">\n  folded\n  text\n",
    "first line\n  continued plain",
    "é ü 中文 🙂",
    '"🙂 \\U0001F642"',
    "",
]
KEYS = ["id", "text", "sources", "key", "quote", "on", "010", "'quoted key'", "<<", "[a, b]"]


class _Map:
    """A mapping to write out; a list of pairs, so that a key may repeat."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


def _block(tree: Any, indent: int, draw: Any, usual: bool) -> str:
    pad = " " * indent
    if isinstance(tree, str):
        return tree
    flow = draw(st.booleans())
    if isinstance(tree, list):
        if flow:
            return "[" + ", ".join(_flow(item) for item in tree) + "]"
        return (
            "".join(f"\n{pad}- {_nested(item, indent + 2, draw, usual)}" for item in tree) or "[]"
        )
    if flow:
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in tree.pairs) + "}"
    body = "".join(
        f"\n{pad}{key}: {_nested(item, indent + 2, draw, usual)}" for key, item in tree.pairs
    )
    return body or "{}"


def _nested(tree: Any, indent: int, draw: Any, usual: bool) -> str:
    text = _block(tree, indent, draw, usual)
    if not usual and draw(st.booleans()):
        text = ("&a2 " if draw(st.booleans()) else "") + text
    if isinstance(tree, str) and "\n" in tree:  # a block scalar or a continued plain line
        return text.replace("\n", "\n" + " " * indent)
    if draw(st.integers(0, 4)) == 0 and "\n" not in text:
        text += "  # a comment"
    return text


def _flow(tree: Any) -> str:
    if isinstance(tree, str):
        return tree if "\n" not in tree else '"multi line"'
    if isinstance(tree, list):
        return "[" + ", ".join(_flow(item) for item in tree) + "]"
    return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in tree.pairs) + "}"


UNUSUAL = {"<<", "&a1 anchored", "*a1", "*a2", "!!str 12", "!!int 12", "[a, b]"}


def _trees(usual: bool) -> st.SearchStrategy[Any]:
    scalars = [text for text in SCALARS if not (usual and text in UNUSUAL)]
    keys = [text for text in KEYS if not (usual and text in UNUSUAL)]
    trees: st.SearchStrategy[Any] = st.recursive(
        st.sampled_from(scalars),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.builds(
                _Map,
                st.lists(
                    st.tuples(st.sampled_from(keys), children),
                    max_size=4,
                    unique_by=(lambda pair: pair[0]) if usual else None,
                ),
            ),
        ),
        max_leaves=12,
    )
    return trees


@st.composite
def documents(draw: Any, usual: bool = False) -> str:
    """A document; a `usual` one has no anchor, alias, tag, merge key or repeated key."""
    tree = draw(_trees(usual))
    text = _block(tree, 0, draw, usual).lstrip("\n")
    if draw(st.booleans()):
        text = "# a file of claims\n" + text
    if not usual and draw(st.integers(0, 5)) == 0:
        text = "---\n" + text + "\n---\nsecond: document"
    return text + "\n"


ANY_DOCUMENT = st.one_of(documents(), documents(usual=True))


@settings(max_examples=400)
@given(ANY_DOCUMENT)
def test_one_pass_matches_the_long_way_on_generated_documents(text: str) -> None:
    _assert_same(text)


@settings(max_examples=300)
@given(ANY_DOCUMENT, st.integers(1, 40), st.integers(1, 6), st.integers(0, 12))
def test_one_pass_stops_at_the_same_bound_as_the_long_way(
    text: str, nodes: int, depth: int, scalar: int
) -> None:
    # Lowered limits, so that every bound is reached somewhere in small documents.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlfile, "MAX_NODES", nodes)
        patch.setattr(yamlfile, "MAX_DEPTH", depth)
        patch.setattr(yamlfile, "MAX_SCALAR", scalar)
        _assert_same(text)


@settings(max_examples=200)
@given(documents(usual=True))
def test_usual_documents_take_the_one_pass(text: str) -> None:
    # Otherwise the tests above would compare the long way with itself.
    for loader in LOADERS:
        try:
            built = yamlfile._build(PATH, loader(text), yamlfile._Lines(text))
        except yaml.YAMLError:  # a generated document may be invalid (a tab, a bad indent)
            continue
        except DraftError as exc:  # or hold only a comment
            assert [problem.code for problem in exc.problems] == ["empty-file"]
            continue
        assert built is not None, text


HAND_WRITTEN = """\
# Claims 1 to 2.
claim-00001:
  text: "According to the deputy — it was detained on 11 August."
  status: reported
  date: 2021-03-04
  sources:
    - key: src-0001
      quote: 'it''s "quoted"'
      locator: 2:14
    - {key: src-0002, locator: 010, pages: [1, on, null]}
claim-00002:
  text: >
    folded
    text
  flags: [true, False, ~, 2021-13-45]
"""


def test_hand_written_file_has_these_values_and_positions() -> None:
    for loader in LOADERS:
        doc = yamlfile._read(PATH, HAND_WRITTEN, yamlfile._Lines(HAND_WRITTEN), loader)
        first = doc.data["claim-00001"]
        assert first["date"] == datetime.date(2021, 3, 4)
        assert first["sources"][0]["locator"] == "2:14"
        assert first["sources"][1]["pages"] == ["1", "on", None]
        assert doc.data["claim-00002"]["flags"] == [True, False, None, "2021-13-45"]
        assert doc.data["claim-00002"]["text"] == "folded text\n"
        assert doc.marks[()] == (2, 1)
        assert doc.key_marks[("claim-00001",)] == (2, 1)
        assert doc.marks[("claim-00001",)] == (3, 3)
        assert doc.marks[("claim-00001", "text")] == (3, 9)
        assert doc.key_marks[("claim-00001", "sources")] == (6, 3)
        assert doc.marks[("claim-00001", "sources", 0)] == (7, 7)
        assert doc.marks[("claim-00001", "sources", 0, "quote")] == (8, 14)
        assert doc.marks[("claim-00001", "sources", 1)] == (10, 7)
        assert doc.key_marks[("claim-00001", "sources", 1, "locator")] == (10, 23)
        assert doc.marks[("claim-00001", "sources", 1, "pages", 2)] == (10, 52)
        assert doc.marks[("claim-00002", "text")] == (12, 9)
        assert doc.marks[("claim-00002", "flags", 3)] == (15, 27)
        _assert_same(HAND_WRITTEN)


def test_positions_count_lines_as_an_editor_does_after_a_pasted_separator() -> None:
    # YAML breaks lines at U+2028 inside the quotes; the editor, and our positions, do not.
    text = 'a: "one\u2028two"\nb: [x,\n  y]\n'
    for loader in LOADERS:
        doc = yamlfile._read(PATH, text, yamlfile._Lines(text), loader)
        assert doc.marks[("b",)] == (2, 4)
        assert doc.marks[("b", 1)] == (3, 3)
    _assert_same(text)


@pytest.mark.parametrize(
    ("text", "one_pass"),
    [
        ("a: 1\nb: [x, {c: d}]\n", True),
        ("a: &x 1\nb: *x\n", False),
        ("a: !!str 1\n", False),
        ("a: 1\na: 2\n", False),
        ("<<: {a: 1}\n", False),
        ("a: 1\n---\nb: 2\n", False),
    ],
)
def test_only_the_unusual_documents_take_the_long_way(text: str, one_pass: bool) -> None:
    for loader in LOADERS:
        built = yamlfile._build(PATH, loader(text), yamlfile._Lines(text))
        assert (built is not None) == one_pass
        _assert_same(text)


def test_every_yaml_file_in_the_repository_reads_the_same_both_ways() -> None:
    root = Path(__file__).parent.parent
    files = [
        path
        for folder in ("reports", "tests")
        for path in (root / folder).rglob("*")
        if path.suffix in (".yaml", ".yml") and path.is_file()
    ]
    assert len(files) > 50
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        if text.strip():
            _assert_same(text)
