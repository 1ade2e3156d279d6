"""What loading one input file gave, kept in a memo so that an unchanged file is not parsed
again on the next run.

Parsing a claim file (YAML with positions, its size bounds, then every field checked) or a
library (bibtexparser) costs far more than rebuilding its result from JSON. So each loader
splits its work at the point where nothing but the file's own bytes and path matter: that
part is `remembered` under a key made of the SHA-256 of the bytes read now, the path shown
in messages, and whatever else the parse depends on (limits, library versions; the memo adds
`draft`'s own code). Everything that depends on other files or on the file system (a claim
id defined in two files, a snapshot's path) is computed afresh on every run from these
per-file results.

The values are the model's own frozen dataclasses written as JSON lists, field by field, by
`Record`s that name every field of their class: a field added to the model without saying
how it is stored stops `draft` at import, rather than being silently dropped from a memo.
Reading checks every value's type, since the memo file is outside our control: anything
that is not exactly what `encode` writes is `MalformedError`, i.e. a miss, never a crash and
never a half-typed model. Locations are stored as (line, column) within the file the entry
belongs to; a result that mentions another file is not stored (`UnstorableError`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

from drafting import memo
from drafting.files import digest
from drafting.model import (
    Claim,
    ClaimUse,
    Location,
    Name,
    OrgText,
    PartialDate,
    Section,
    Source,
    SourceRef,
)
from drafting.problems import Problem

T = TypeVar("T")


class MalformedError(Exception):
    """A stored value that `encode` cannot have written: treated as a miss."""


class UnstorableError(Exception):
    """A value that cannot be stored faithfully (it mentions another file): not memoised."""


class Codec(Generic[T]):
    """One kind of value to JSON and back; `path` is the file the memo entry is about."""

    plain: type | None = None
    """The JSON type of a value that is stored as it is (text, true/false, a number): a
    `Record` checks those fields' types all at once instead of calling `decode` on each."""

    def encode(self, value: T, path: Path) -> Any:
        raise NotImplementedError

    def decode(self, data: Any, path: Path) -> T:
        raise NotImplementedError


class _Plain(Codec[T]):
    """A value JSON holds as it is, of exactly one type (`bool` is not taken for `int`)."""

    def __init__(self, kind: type[T], words: str) -> None:
        self.plain = kind
        self.words = words

    def encode(self, value: T, path: Path) -> Any:
        if type(value) is not self.plain:
            raise UnstorableError(f"not {self.words}: {value!r}")
        return value

    def decode(self, data: Any, path: Path) -> T:
        if type(data) is not self.plain:
            raise MalformedError(self.words)
        return cast(T, data)


class Choice(Codec[str]):
    """One of a few texts (a problem's severity)."""

    def __init__(self, *choices: str) -> None:
        self.choices = frozenset(choices)

    def encode(self, value: str, path: Path) -> Any:
        if value not in self.choices:
            raise UnstorableError(f"not one of {sorted(self.choices)}: {value!r}")
        return value

    def decode(self, data: Any, path: Path) -> str:
        if type(data) is not str or data not in self.choices:
            raise MalformedError("a choice")
        return data


class Maybe(Codec[T | None]):
    """A value or None (null)."""

    def __init__(self, inner: Codec[T]) -> None:
        self.inner = inner

    def encode(self, value: T | None, path: Path) -> Any:
        return None if value is None else self.inner.encode(value, path)

    def decode(self, data: Any, path: Path) -> T | None:
        return None if data is None else self.inner.decode(data, path)


class Many(Codec[tuple[T, ...]]):
    """A tuple of values of one kind."""

    def __init__(self, inner: Codec[T]) -> None:
        self.inner = inner

    def encode(self, value: tuple[T, ...], path: Path) -> Any:
        if type(value) is not tuple:
            raise UnstorableError(f"not a tuple: {type(value).__name__}")
        return [self.inner.encode(item, path) for item in value]

    def decode(self, data: Any, path: Path) -> tuple[T, ...]:
        if type(data) is not list:
            raise MalformedError("a list")
        plain = self.inner.plain
        if plain is not None:
            if any(type(item) is not plain for item in data):
                raise MalformedError("a list of plain values")
            return tuple(data)
        decode = self.inner.decode
        return tuple([decode(item, path) for item in data])


class _Location(Codec[Location]):
    """(line, column) in the file of the memo entry."""

    def encode(self, value: Location, path: Path) -> Any:
        if type(value) is not Location or value.file != path:
            raise UnstorableError(f"a location in another file: {value!r}")
        return [_INT_OR_NONE.encode(value.line, path), _INT_OR_NONE.encode(value.column, path)]

    def decode(self, data: Any, path: Path) -> Location:
        if type(data) is not list or len(data) != 2:
            raise MalformedError("a location")
        line, column = data
        if not (line is None or type(line) is int) or not (column is None or type(column) is int):
            raise MalformedError("a line and column")
        return Location(path, line, column)


class _TextMap(Codec[Mapping[str, str]]):
    def encode(self, value: Mapping[str, str], path: Path) -> Any:
        return {TEXT.encode(k, path): TEXT.encode(v, path) for k, v in value.items()}

    def decode(self, data: Any, path: Path) -> Mapping[str, str]:
        if type(data) is not dict or not all(type(v) is str for v in data.values()):
            raise MalformedError("fields")
        return MappingProxyType(data)


_OPTION_TYPES = (str, int, float, bool)


class OptionMap(Codec[Mapping[str, str | int | float | bool]]):
    """`style_options:`: names to plain values."""

    def encode(self, value: Mapping[str, str | int | float | bool], path: Path) -> Any:
        if not all(type(v) in _OPTION_TYPES for v in value.values()):
            raise UnstorableError("a style option that JSON cannot hold as it is")
        return {TEXT.encode(k, path): v for k, v in value.items()}

    def decode(self, data: Any, path: Path) -> Mapping[str, str | int | float | bool]:
        if type(data) is not dict or not all(type(v) in _OPTION_TYPES for v in data.values()):
            raise MalformedError("style options")
        return MappingProxyType(data)


class Date(Codec[dt.date]):
    """A calendar date, as YYYY-MM-DD."""

    def encode(self, value: dt.date, path: Path) -> Any:
        if type(value) is not dt.date:
            raise UnstorableError(f"not a date: {value!r}")
        return value.isoformat()

    def decode(self, data: Any, path: Path) -> dt.date:
        if type(data) is not str:
            raise MalformedError("a date")
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            raise MalformedError("a date") from None


class _Nothing(Codec[None]):
    """A field the stored step never fills (a source's snapshot, resolved on every run)."""

    def encode(self, value: None, path: Path) -> Any:
        if value is not None:
            raise UnstorableError("a field that is filled later")
        return None

    def decode(self, data: Any, path: Path) -> None:
        if data is not None:
            raise MalformedError("nothing")


class Record(Codec[T]):
    """A frozen dataclass as the list of its fields, in the order the class declares them."""

    def __init__(self, cls: type[T], **codecs: Codec[Any]) -> None:
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        if sorted(names) != sorted(codecs):
            raise TypeError(
                f"{cls.__name__}'s fields {names} are not the stored ones {list(codecs)}: "
                "say how a new field is stored (drafting/load/stored.py)"
            )
        self.build: Callable[..., T] = cls
        self.names = tuple(names)
        self.codecs = tuple(codecs[name] for name in names)
        plain = [(i, codec.plain) for i, codec in enumerate(self.codecs) if codec.plain]
        # Decoding is most of the time a hit costs: the types of the plain fields are
        # compared as one tuple, and only the other fields are decoded one by one.
        self.plain_types = tuple(kind for _, kind in plain)
        self.pick_plain: Callable[[tuple[type, ...]], tuple[type, ...]] = _picker(
            [i for i, _ in plain]
        )
        self.others = tuple((i, c) for i, c in enumerate(self.codecs) if not c.plain)

    def encode(self, value: T, path: Path) -> Any:
        return [
            codec.encode(getattr(value, name), path)
            for name, codec in zip(self.names, self.codecs, strict=True)
        ]

    def decode(self, data: Any, path: Path) -> T:
        if type(data) is not list or len(data) != len(self.codecs):
            raise MalformedError("a record")
        if self.pick_plain(tuple(map(type, data))) != self.plain_types:
            raise MalformedError("a field of the wrong type")
        if self.others:
            data = data.copy()  # the memo's own value stays JSON: it may be saved again
            for i, codec in self.others:
                data[i] = codec.decode(data[i], path)
        return self.build(*data)


def _picker(indices: list[int]) -> Callable[[tuple[type, ...]], tuple[type, ...]]:
    """A function of a tuple that returns the tuple of its items at `indices`."""
    if len(indices) >= 2:
        return operator.itemgetter(*indices)
    if len(indices) == 1:
        at = indices[0]
        return lambda values: (values[at],)
    return lambda values: ()


class Either(Codec[Any]):
    """One of a few record types, stored with a tag: ["u", ...fields] for a `ClaimUse`."""

    def __init__(self, **records: Record[Any]) -> None:
        self.by_tag = records
        self.by_class = {record.build: (tag, record) for tag, record in records.items()}

    def encode(self, value: Any, path: Path) -> Any:
        tag, record = self.by_class.get(type(value), (None, None))
        if record is None:
            raise UnstorableError(f"not one of the stored kinds: {type(value).__name__}")
        return [tag, *record.encode(value, path)]

    def decode(self, data: Any, path: Path) -> Any:
        if type(data) is not list or not data or type(data[0]) is not str:
            raise MalformedError("a tagged record")
        record = self.by_tag.get(data[0])
        if record is None:
            raise MalformedError("an unknown tag")
        return record.decode(data[1:], path)


TEXT = _Plain(str, "text")
BOOL = _Plain(bool, "true/false")
INT = _Plain(int, "a whole number")
_INT_OR_NONE = Maybe(INT)
LOCATION = _Location()
TEXTS = Many(TEXT)

PROBLEM = Record(
    Problem,
    severity=Choice("error", "warning"),
    code=TEXT,
    message=TEXT,
    location=Maybe(LOCATION),
    claim=TEXT,
    source=TEXT,
)
PROBLEMS = Many(PROBLEM)

SOURCE_REF = Record(
    SourceRef,
    key=TEXT,
    location=LOCATION,
    quote=TEXT,
    locator=TEXT,
    quoted_in=TEXT,
    quote_location=Maybe(LOCATION),
    locator_location=Maybe(LOCATION),
    translation=TEXT,
)
CLAIM = Record(
    Claim,
    id=TEXT,
    text=TEXT,
    location=LOCATION,
    status=TEXT,
    sources=Many(SOURCE_REF),
    ignore=TEXTS,
    confidential=BOOL,
)
CLAIMS = Many(CLAIM)
PART = Either(
    u=Record(ClaimUse, id=TEXT, location=LOCATION),
    o=Record(OrgText, text=TEXT, location=LOCATION),
)
SECTION = Record(Section, heading=TEXT, paragraphs=Many(Many(PART)), location=LOCATION)

_NAMES = Many(Record(Name, family=TEXT, given=TEXT, literal=TEXT, suffix=TEXT))
_PARTIAL_DATE = Maybe(
    Record(PartialDate, year=INT, month=_INT_OR_NONE, day=_INT_OR_NONE),
)
SOURCE_WITHOUT_SNAPSHOT = Record(
    Source,
    key=TEXT,
    kind=TEXT,
    location=LOCATION,
    title=TEXT,
    shorttitle=TEXT,
    authors=_NAMES,
    editors=_NAMES,
    container=TEXT,
    publisher=TEXT,
    place=TEXT,
    number=TEXT,
    genre=TEXT,
    volume=TEXT,
    issue=TEXT,
    pages=TEXT,
    doi=TEXT,
    edition=TEXT,
    translators=_NAMES,
    authority=TEXT,
    date=_PARTIAL_DATE,
    url=TEXT,
    urldate=_PARTIAL_DATE,
    archive_url=TEXT,
    archive_date=_PARTIAL_DATE,
    note=TEXT,
    snapshot=_Nothing(),
    sha256=TEXT,
    origin=TEXTS,
    confidential=BOOL,
    redacted=TEXT,
    fields=_TextMap(),
)
"""A `Source` as its file alone gives it: `snapshot` is resolved on every run."""


def remembered(
    store: memo.Memo,
    parts: tuple[object, ...],
    path: Path,
    raw: bytes,
    parse: Callable[[Path, bytes], T],
    codec: Codec[T],
) -> T:
    """`parse(path, raw)`, or what it gave for the same bytes at the same path before.

    `parts` names the parse and everything besides the bytes and the path that its result
    depends on (limits, library versions). A stored value that cannot be read is a miss.
    """
    key = memo.digest(*parts, digest(raw), str(path))
    stored = store.get(key)
    if type(stored) is list and len(stored) == 2 and type(stored[0]) is str:
        # The locations are rebuilt in the file the value was parsed from, which the key
        # guarantees is `path`: a moved or renamed file is another key, hence parsed again.
        try:
            return codec.decode(stored[1], Path(stored[0]))
        except (MalformedError, TypeError, ValueError, RecursionError):
            pass  # written by another program, or damaged: parse again
    value = parse(path, raw)
    with contextlib.suppress(UnstorableError):  # not stored: parsed afresh next time too
        store.put(key, [str(path), codec.encode(value, path)])
    return value
