"""Read a YAML file safely and remember where every value came from.

PyYAML's `safe_load` forgets line numbers and silently keeps the last of two equal keys. Staff
need both: "which line" in every message, and a duplicated claim id reported, not dropped.
A claim file is read in one pass over the parser's events that measures, positions and builds
the values together (`_one_pass`); a file with anchors, aliases, tags, merge keys or a
repeated key takes the long way, which composes the node tree, records each node's position
by its path and constructs plain Python values from the same tree. Both give the same result.

Two more guarantees, both decided before any data is built:

- Text stays the text typed. YAML 1.1 reads `2:14` as 134, `010` as 8, `3.10` as 3.1 and
  `on:`/`yes:` as True; a brief must not silently change a locator or lose a claim. Our
  resolver keeps every plain scalar as text except null, `true`/`false` and ISO dates (the
  only typed values the schema has), and mapping keys are always the text typed.
- Size is bounded. A few hundred bytes of nested aliases expand to billions of nodes, and a
  thousand levels of nesting exhaust Python's stack; one pass over the parser's events
  measures nesting, expanded size and scalar length first and stops with a located problem.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drafting.files import read_text
from drafting.gcpause import without_gc
from drafting.model import Location
from drafting.problems import DraftError, Problem, error, fail

YamlPath = tuple[str | int, ...]

MAX_DEPTH = 64
"""Levels of nesting; a report needs about six."""
MAX_NODES = 200_000
"""Values in the document with every alias expanded; a large report has a few thousand."""
MAX_SCALAR = 1_000_000
"""Characters in one value; a claim or quote is a few hundred."""

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


def load(path: Path) -> YamlDoc:
    """Parse one YAML file; raise `DraftError` with a located `yaml-syntax` problem."""
    return parse(path, read_text(path))


@without_gc
def parse(path: Path, text: str) -> YamlDoc:
    """Parse `text`, the content of the file at `path`, as `load` does."""
    if not text.strip():
        raise fail("empty-file", "the file is empty; it should hold YAML fields", Location(path))
    lines = _Lines(text)
    try:
        return _read(path, text, lines, _FastLoader)
    except yaml.YAMLError:
        # libyaml is several times faster but words its errors differently; the pure-Python
        # parser's messages are the ones our hints know, so re-read with it to explain.
        pass
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # raised at once: the reader checks every character
        raise _unprintable(path, text, exc) from None
    try:
        _check_bounds(path, loader, lines)
        return _compose(path, _Loader(text), lines)
    except yaml.MarkedYAMLError as exc:
        hint, where = _separator(path, text, exc, lines) or ("", _yaml_location(path, exc, lines))
        raise fail("yaml-syntax", _yaml_message(exc) + hint, where) from None
    except yaml.YAMLError as exc:  # not raised by PyYAML's own readers in practice
        raise fail("yaml-syntax", str(exc), Location(path)) from None


def _read(path: Path, text: str, lines: _Lines, loader: type[yaml.SafeLoader]) -> YamlDoc:
    """Read `text` in one pass over the parser's events; a document using anchors, aliases,
    explicit tags, merge keys, several documents or a repeated key goes the long way (bounds,
    then compose and construct), which words its problems and shares aliased values."""
    doc = _build(path, loader(text), lines)
    if doc is not None:
        return doc
    _check_bounds(path, loader(text), lines)
    return _compose(path, loader(text), lines)


class _Lines:
    """Line and column of a character offset, counting only "\\n" as a line break.

    PyYAML also breaks lines at U+2028, U+2029 and U+0085, which editors show inside a line
    (they come in with text pasted from the web), so its own line numbers would be off.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Where each line starts; counted when first needed (a file that reads cleanly
        usually does not need them)."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        return self._starts

    def at(self, mark: Any) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, mark.index)
        return line, mark.index - self.starts[line - 1] + 1


class _UnusualError(Exception):
    """The document uses something the one-pass reader leaves to the long way."""


class _Open:
    """A collection being read: its value, its path, the key awaiting a value (mappings) and
    the running measures `_check_bounds` keeps for it (expanded size, depth below it)."""

    __slots__ = ("below", "count", "key", "path", "value")

    def __init__(self, value: list[Any] | dict[str, Any], path: YamlPath) -> None:
        self.value = value
        self.path = path
        self.key: str | None = None
        self.count = 1
        self.below = 0


_NULLS = frozenset(("~", "null", "Null", "NULL", ""))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DIGITS = frozenset("0123456789")
_TYPED_FIRST = frozenset(("", "~", "n", "N", "t", "T", "f", "F", *_DIGITS))
"""How each scalar `_typed` may turn into something other than its text begins ("": empty)."""
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_OTHER_BREAKS = "\r\x85\u2028\u2029\ufeff"
"""Line breaks for YAML but not for `_Lines`, and the byte-order mark a parser skips."""


def _build(path: Path, loader: yaml.SafeLoader, lines: _Lines) -> YamlDoc | None:
    """The document, bounded and positioned as `_check_bounds` and `_compose` would give it,
    from one pass over the events; None when the document needs the long way."""
    try:
        return _one_pass(path, loader, lines)
    except _UnusualError:
        return None
    finally:
        loader.dispose()


def _one_pass(path: Path, loader: yaml.SafeLoader, lines: _Lines) -> YamlDoc:
    # Bounds use exactly `_check_bounds`' arithmetic; without aliases its `below` can only
    # grow as deep as the collections opened, which the start of each was checked against.
    doc = YamlDoc(path, None)
    marks, key_marks, at = doc.marks, doc.key_marks, lines.at
    # Without the characters where the parser's lines or columns differ from an editor's, its
    # own line and column are the ones `lines.at` would compute, for a fraction of the cost.
    own = not any(char in lines.text for char in _OTHER_BREAKS)
    get_event = loader.get_event
    max_nodes, max_depth, max_scalar = MAX_NODES, MAX_DEPTH, MAX_SCALAR
    # Only a scalar starting like null, true/false or a date may be typed; others are text.
    typed_first = _TYPED_FIRST
    stack: list[_Open] = []
    total = 0
    documents = 0
    scalar_event, start_events = yaml.ScalarEvent, (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    while True:
        event = get_event()  # type: ignore[no-untyped-call]
        kind = type(event)
        mark = event.start_mark
        if kind is scalar_event:
            if event.anchor is not None or event.tag is not None:
                raise _UnusualError
            text = event.value
            if len(text) > max_scalar:
                raise _stop(path, lines, _too_long(), mark)
            total += 1
            if total > max_nodes:
                raise _stop(path, lines, _too_many(), mark)
            if len(stack) > max_depth:
                raise _stop(path, lines, _too_deep(), mark)
            if event.implicit[0] and text == "<<":
                raise _UnusualError  # a merge key (or value): the long way merges or refuses it
            if not stack:
                marks[()] = (mark.line + 1, mark.column + 1) if own else at(mark)
                doc.data = _typed(loader, event)
                continue
            top = stack[-1]
            top.count += 1
            container = top.value
            if isinstance(container, list):
                marks[(*top.path, len(container))] = (
                    (mark.line + 1, mark.column + 1) if own else at(mark)
                )
                container.append(_typed(loader, event) if text[:1] in typed_first else text)
            elif top.key is None:
                if text in container:
                    raise _UnusualError  # a repeated key: the long way lists every one in order
                top.key = text  # a key is the text typed, whatever its style
                key_marks[(*top.path, text)] = (mark.line + 1, mark.column + 1) if own else at(mark)
            else:
                marks[(*top.path, top.key)] = (mark.line + 1, mark.column + 1) if own else at(mark)
                container[top.key] = _typed(loader, event) if text[:1] in typed_first else text
                top.key = None
        elif kind in start_events:
            if event.anchor is not None or event.tag is not None:
                raise _UnusualError
            total += 1
            if total > max_nodes:
                raise _stop(path, lines, _too_many(), mark)
            if len(stack) + 1 > max_depth:
                raise _stop(path, lines, _too_deep(), mark)
            new: list[Any] | dict[str, Any] = [] if kind is yaml.SequenceStartEvent else {}
            if not stack:
                child: YamlPath = ()
                doc.data = new
            else:
                top = stack[-1]
                top.count += 1
                top.below = max(top.below, 1)
                container = top.value
                if isinstance(container, list):
                    child = (*top.path, len(container))
                    container.append(new)
                elif top.key is None:
                    raise _UnusualError  # a list or mapping as a key: the long way words it
                else:
                    child = (*top.path, top.key)
                    container[top.key] = new
                    top.key = None
            marks[child] = (mark.line + 1, mark.column + 1) if own else at(mark)
            stack.append(_Open(new, child))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            done = stack.pop()
            if stack:
                # the start already counted this collection itself; add what it held
                total += done.count - 1
                if total > max_nodes:
                    raise _stop(path, lines, _too_many(), mark)
                if len(stack) + done.below + 1 > max_depth:
                    raise _stop(path, lines, _too_deep(), mark)
                top = stack[-1]
                top.count += done.count - 1
                top.below = max(top.below, done.below + 1)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _UnusualError  # the long way reports "expected a single document"
        elif kind is yaml.StreamEndEvent:
            if not documents:
                raise fail("empty-file", "the file holds no YAML data", Location(path))
            return doc
        elif kind is yaml.AliasEvent:
            raise _UnusualError


def _typed(loader: yaml.SafeLoader, event: Any) -> Any:
    """The value of a scalar as our resolver and constructors give it: a plain scalar may be
    null, true/false or a date; anything else is the text typed."""
    text: str = event.value
    if not event.implicit[0]:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text[:1] in _DIGITS and _IMPLICIT[2][1].match(text):
        return _timestamp_or_text(loader, yaml.ScalarNode(_TIMESTAMP_TAG, text))
    return text


def _stop(path: Path, lines: _Lines, message: str, mark: Any) -> DraftError:
    line, column = lines.at(mark)
    return fail("yaml-limit", message, Location(path, line, column))


# The messages read the limits when raised, so that a test may lower them.
def _too_many() -> str:
    return (
        f"the file expands to more than {MAX_NODES:,} values (through '*' aliases "
        "that repeat other parts); write the values out, or split the file"
    )


def _too_deep() -> str:
    return (
        f"the values are nested more than {MAX_DEPTH} levels deep; a report needs only "
        "a few levels: check the indentation or the brackets here"
    )


def _too_long() -> str:
    return (
        f"this value is longer than {MAX_SCALAR:,} characters; a claim or a "
        "quote is a few sentences: check for a missing closing quote"
    )


def _check_bounds(path: Path, loader: yaml.SafeLoader, lines: _Lines) -> None:
    """Measure the document from the parser's events, before anything is built from it."""
    open_anchors: list[str | None] = []
    # per open collection: [expanded size, depth below it]
    frames: list[list[int]] = []
    size: dict[str, int] = {}
    depth: dict[str, int] = {}
    total = 0

    def stop(message: str, mark: Any) -> DraftError:
        return _stop(path, lines, message, mark)

    def add(count: int, below: int, mark: Any) -> None:
        nonlocal total
        total += count
        if total > MAX_NODES:
            raise stop(_too_many(), mark)
        if len(frames) + below > MAX_DEPTH:
            raise stop(_too_deep(), mark)
        if frames:
            frames[-1][0] += count
            frames[-1][1] = max(frames[-1][1], below)

    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    raise stop(
                        f"the alias '*{event.anchor}' refers to the value it is part of, which "
                        "would repeat without end; write the value out instead",
                        event.start_mark,
                    )
                if event.anchor in size:  # an unknown alias is the composer's to report
                    add(size[event.anchor], depth[event.anchor], event.start_mark)
            elif isinstance(event, yaml.ScalarEvent):
                if len(event.value) > MAX_SCALAR:
                    raise stop(_too_long(), event.start_mark)
                add(1, 0, event.start_mark)
                if anchor is not None:
                    size[anchor], depth[anchor] = 1, 0
            elif isinstance(event, yaml.CollectionStartEvent):
                add(1, 1, event.start_mark)
                frames.append([1, 0])
                open_anchors.append(anchor)
            elif isinstance(event, yaml.CollectionEndEvent):
                count, below = frames.pop()
                name = open_anchors.pop()
                if name is not None:
                    size[name], depth[name] = count, below + 1
                if frames:
                    # the start already counted this collection itself; add what it held
                    add(count - 1, below + 1, event.start_mark)
    finally:
        loader.dispose()


def _compose(path: Path, loader: yaml.SafeLoader, lines: _Lines) -> YamlDoc:
    try:
        node = loader.get_single_node()
        if node is None:
            raise fail("empty-file", "the file holds no YAML data", Location(path))
        doc = YamlDoc(path, None)
        duplicates: list[Problem] = []
        _record(node, (), doc, duplicates, lines)
        if duplicates:
            raise DraftError(duplicates)
        try:
            doc.data = loader.construct_document(node)
        except (ValueError, OverflowError) as exc:  # an explicit tag: !!int with 5,000 digits
            raise fail(
                "yaml-syntax",
                f"a value cannot be read ({exc}); remove the '!!' tag in front of it",
                Location(path),
            ) from None
    finally:
        loader.dispose()
    return doc


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date, except that an impossible one (2021-13-45) stays text.

    PyYAML raises a bare ValueError without a position for it; as text, the report's own
    checks say "not a date" at the right line.
    """
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _text_keys(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A mapping whose scalar keys are the text typed: `on:`, `yes:` and `010:` stay apart."""
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key: Any = key_node.value
        else:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a field name must be plain text, not a list or a set of fields",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


# The only implicit types the schema has: null, true/false (YAML 1.2 spelling) and dates.
_IMPLICIT = (
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    (
        "tag:yaml.org,2002:timestamp",
        re.compile(
            r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
            r"(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
            r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$"
        ),
        list("0123456789"),
    ),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
)


def _text_resolvers(cls: type[yaml.SafeLoader]) -> None:
    cls.yaml_implicit_resolvers = {}
    for tag, pattern, first in _IMPLICIT:
        cls.add_implicit_resolver(tag, pattern, first)
    cls.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
    cls.add_constructor("tag:yaml.org,2002:map", _text_keys)


class _Loader(yaml.SafeLoader):
    """The pure-Python loader, used to explain errors."""


_FastLoader: type[yaml.SafeLoader] = type(
    "_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {}
)
for _loader_class in (_Loader, _FastLoader):
    _text_resolvers(_loader_class)


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


def _record(
    node: yaml.Node, path: YamlPath, doc: YamlDoc, problems: list[Problem], lines: _Lines
) -> None:
    doc.marks[path] = lines.at(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line, column = lines.at(key_node.start_mark)
            if key in seen:
                problems.append(
                    error(
                        "duplicate-key",
                        f"'{key}' appears twice in the same place (first on line {seen[key]}); "
                        "rename or merge one of them",
                        Location(doc.path, line, column),
                    )
                )
            seen[key] = line
            doc.key_marks[(*path, key)] = (line, column)
            _record(value_node, (*path, key), doc, problems, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), doc, problems, lines)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "the YAML cannot be read"
    message = f"YAML syntax error: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    for needle, hint in _HINTS.items():
        if needle in problem:
            return f"{message}; {hint}"
    return message


_SEPARATORS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\u0085": "NEXT LINE"}


def _separator(
    path: Path, text: str, exc: yaml.MarkedYAMLError, lines: _Lines
) -> tuple[str, Location] | None:
    """An invisible line break (pasted from the web or a PDF) where the error arose: YAML
    breaks the line there and an editor does not, so the error only makes sense with it.
    Returns the hint and the separator's own location."""
    marks = [m for m in (exc.context_mark, exc.problem_mark) if m is not None]
    if not marks:
        return None
    first = min(marks, key=lambda m: m.index)
    last = max(m.index for m in marks)
    start = lines.starts[lines.at(first)[0] - 1]  # from the start of the first mark's line
    found = next(
        (i for i in range(start, min(last + 1, len(text))) if text[i] in _SEPARATORS), None
    )
    if found is None:
        return None
    char = text[found]
    line = bisect.bisect_right(lines.starts, found)
    where = Location(path, line, found - lines.starts[line - 1] + 1)
    hint = (
        f"; the line holds the invisible character U+{ord(char):04X} ({_SEPARATORS[char]}), "
        "pasted in with text from a web page or PDF, which YAML reads as a line break: "
        "delete it, or put the whole text in double quotes"
    )
    return hint, where


def _yaml_location(path: Path, exc: yaml.MarkedYAMLError, lines: _Lines) -> Location:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Location(path)
    return Location(path, *lines.at(mark))
