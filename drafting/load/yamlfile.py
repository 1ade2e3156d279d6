"""Read a YAML file safely and remember where every value came from.

PyYAML's `safe_load` forgets line numbers and silently keeps the last of two equal keys. Staff
need both: "which line" in every message, and a duplicated claim id reported, not dropped.
So we compose the node tree once, record each node's position by its path, and construct
plain Python values from the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drafting.files import read_text
from drafting.gcpause import without_gc
from drafting.model import Location
from drafting.problems import DraftError, Problem, error, fail

YamlPath = tuple[str | int, ...]

_HINTS = {
    "mapping values are not allowed here": "a colon followed by a space starts a new field: "
    "if this line is a field, indent it exactly like the fields around it; if the colon is "
    'part of the text, put the whole text in double quotes ("...")',
    "found character '\\t' that cannot start any token": "YAML does not allow tabs for "
    "indentation; indent with spaces",
    "found character '\\t'": "YAML does not allow tabs for indentation; indent with spaces",
    "expected <block end>, but found": "the indentation of this line does not match the lines "
    "around it; line it up with the other fields at the same level",
    "could not find expected ':'": "a field name must be followed by ':'; or, if this is the "
    "continuation of a text, put the whole text in double quotes",
}


@dataclass(slots=True)
class YamlDoc:
    """A parsed YAML document and the position of each of its values."""

    path: Path
    data: Any
    marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    """Position of the *key* of a mapping entry (where a typo in a field name is)."""

    def at(self, path: YamlPath, *, key: bool = False) -> Location:
        """The location of the value at `path`, or of the nearest enclosing value."""
        table = self.key_marks if key and path in self.key_marks else self.marks
        while path not in table and path:
            path = path[:-1]
        line, column = table.get(path, (1, 1))
        return Location(self.path, line, column)


@without_gc
def load(path: Path) -> YamlDoc:
    """Parse one YAML file; raise `DraftError` with a located `yaml-syntax` problem."""
    text = read_text(path)
    if not text.strip():
        raise fail("empty-file", "the file is empty; it should hold YAML fields", Location(path))
    try:
        return _compose(path, _FastLoader(text))
    except yaml.YAMLError:
        # libyaml is several times faster but words its errors differently; the pure-Python
        # parser's messages are the ones our hints know, so re-read with it to explain.
        pass
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # raised at once: the reader checks every character
        raise _unprintable(path, text, exc) from None
    try:
        return _compose(path, loader)
    except yaml.MarkedYAMLError as exc:
        raise fail("yaml-syntax", _yaml_message(exc), _yaml_location(path, exc)) from None
    except yaml.YAMLError as exc:  # not raised by PyYAML's own readers in practice
        raise fail("yaml-syntax", str(exc), Location(path)) from None


def _compose(path: Path, loader: yaml.SafeLoader) -> YamlDoc:
    try:
        node = loader.get_single_node()
        if node is None:
            raise fail("empty-file", "the file holds no YAML data", Location(path))
        doc = YamlDoc(path, None)
        duplicates: list[Problem] = []
        try:
            doc.data = _walk(node, (), doc, duplicates, loader, set())
        except (_Unusual, yaml.YAMLError):
            # Merge keys, tagged collections, complex keys, recursive aliases, a value that
            # cannot be constructed: PyYAML builds those, and reports their errors, itself.
            doc = YamlDoc(path, None)
            duplicates = []
            _record(node, (), doc, duplicates)
            if not duplicates:
                loader.constructed_objects, loader.recursive_objects = {}, {}
                doc.data = loader.construct_document(node)
        if duplicates:
            raise DraftError(duplicates)
    finally:
        loader.dispose()
    return doc


class _Unusual(Exception):  # noqa: N818 (a signal to take the general path, not an error)
    """YAML beyond plain mappings, lists and scalars, left to PyYAML's constructor."""


_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{t}" for t in ("str", "map", "seq"))


def _walk(
    node: yaml.Node,
    path: YamlPath,
    doc: YamlDoc,
    problems: list[Problem],
    loader: yaml.SafeLoader,
    open_nodes: set[int],
) -> Any:
    """`_record` and PyYAML's `construct_document` in one pass over the nodes (loading was
    two walks over every node of every claim file; values are the same)."""
    mark = node.start_mark
    doc.marks[path] = (mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node)
    if id(node) in open_nodes or node.tag not in (_MAP, _SEQ):
        raise _Unusual
    open_nodes.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        value: Any = [
            _walk(item, (*path, i), doc, problems, loader, open_nodes)
            for i, item in enumerate(node.value)
        ]
    else:
        value = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Unusual
            key = str(key_node.value)
            _check_key(key, key_node, seen, doc, problems)
            key_mark = key_node.start_mark
            doc.key_marks[(*path, key)] = (key_mark.line + 1, key_mark.column + 1)
            data_key = key if key_node.tag == _STR else loader.construct_object(key_node)
            value[data_key] = _walk(value_node, (*path, key), doc, problems, loader, open_nodes)
    open_nodes.discard(id(node))
    return value


def _check_key(
    key: str, key_node: yaml.Node, seen: dict[str, int], doc: YamlDoc, problems: list[Problem]
) -> None:
    """A key that appears twice in one mapping is an error naming both lines."""
    if key in seen:
        problems.append(
            error(
                "duplicate-key",
                f"'{key}' appears twice in the same place (first on line {seen[key]}); "
                "rename or merge one of them",
                Location(doc.path, key_node.start_mark.line + 1, key_node.start_mark.column + 1),
            )
        )
    seen[key] = key_node.start_mark.line + 1


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date, except that an impossible one (2021-13-45) stays text.

    PyYAML raises a bare ValueError without a position for it; as text, the report's own
    checks say "not a date" at the right line.
    """
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _Loader(yaml.SafeLoader):
    """The pure-Python loader, used to explain errors."""


_FastLoader: type[yaml.SafeLoader] = type(
    "_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {}
)
for _loader_class in (_Loader, _FastLoader):
    _loader_class.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _unprintable(path: Path, text: str, exc: yaml.reader.ReaderError) -> DraftError:
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character))
    return fail(
        "yaml-syntax",
        f"the file contains the invisible control character U+{code:04X}, which YAML does not "
        "allow; delete it (it is often pasted in with text from a PDF or a web page)",
        Location(path, line, column),
    )


def _record(node: yaml.Node, path: YamlPath, doc: YamlDoc, problems: list[Problem]) -> None:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            _check_key(key, key_node, seen, doc, problems)
            doc.key_marks[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            _record(value_node, (*path, key), doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), doc, problems)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "the YAML cannot be read"
    message = f"YAML syntax error: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    for needle, hint in _HINTS.items():
        if needle in problem:
            return f"{message}; {hint}"
    return message


def _yaml_location(path: Path, exc: yaml.MarkedYAMLError) -> Location:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)
