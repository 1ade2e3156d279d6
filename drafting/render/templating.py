"""The Jinja2 environment: layout and citation-style templates, rendered in a sandbox.

Templates are data a workspace may override, so they run in Jinja's immutable sandbox with
`StrictUndefined`, and every value they print is escaped for Markdown in `finalize`: data can
never become a footnote, heading, link or HTML. Only our own filters (`paragraph`, `sentence`)
return trusted Markdown (`Md`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from drafting.dates import date_dmy, date_long
from drafting.load.workspace import within
from drafting.model import Location
from drafting.problems import DraftError, fail
from drafting.text import escape_all, inline_markup, inlines_to_internal_md

MAX_REPEAT = 100_000
MAX_OUTPUT = 20_000_000
MAX_POWER_BITS = 4096
"""The largest result of `**` in bits: far beyond any number a brief prints."""
MAX_TEMPLATE_BYTES = 1_000_000
TIME_LIMIT_SECONDS = 30.0
"""All template rendering of one build; DRAFT_TEMPLATE_SECONDS overrides (for tests)."""


class TemplateTimeout(Exception):  # noqa: N818 (a signal, not an error of the caller's)
    """Raised by the alarm when templates run longer than the time limit."""


class Md(str):
    """Markdown produced by our own code; `finalize` passes it through unescaped."""

    __slots__ = ()


# Styles escape the same few strings (titles, outlets, separators) in every note.
escape = lru_cache(maxsize=1 << 16)(escape_all)


def _finalize(value: Any) -> str:
    if isinstance(value, Md):
        return value
    if value is None:
        return ""
    return escape(str(value))


KEYED_TYPES: dict[type, frozenset[str]] = {dict: frozenset(dir(dict))}
"""Mappings whose keys templates read as attributes (`s.title`), with the attribute names that
take precedence over a key, as the sandbox has it. Only types without an instance `__dict__`."""


def _data_fields(kind: type) -> frozenset[str]:
    """The fields of a plain dataclass (the views the review page and notes are given):
    reading one is always allowed by the sandbox, which refuses only names starting with an
    underscore, a few attributes of functions, generators and types, and methods that modify
    a list, dict or set. Checking each read anyway was most of the review page's time (250,000
    reads at 2,000 claims). Any class that is not a dataclass all the way down gets the
    sandbox's full checks."""
    known = _DATA_FIELDS.get(kind)
    if known is None:
        bases = kind.__mro__[:-1]  # all but `object`
        known = frozenset()
        if bases and all(dataclasses.is_dataclass(base) for base in bases):
            names = (f.name for f in dataclasses.fields(kind))
            known = frozenset(name for name in names if not name.startswith("_"))
        _DATA_FIELDS[kind] = known
    return known


_DATA_FIELDS: dict[type, frozenset[str]] = {}


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus a bound on the size of every value an operation makes.

    A one-line template can ask for gigabytes in one step (`'x' | center(10**10)`, `s ~ s`
    doubled in a loop, `'%999999999s' % x`), long before the output's size is counted. So
    every operation that builds text or lists is measured *before* it runs ("size limits"
    below): the sizes and counts given to it, and the size of what it would make.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Builds are reproducible: nothing random or time-dependent reaches a template.
        self.globals.pop("lipsum", None)
        self.filters.pop("random", None)
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}

    def getattr(self, obj: Any, attribute: str) -> Any:
        # `s.title` on a dict: the sandbox first tries the attribute and raises AttributeError
        # (slow, and done ~40 times a note); a key that no attribute shadows is read directly.
        shadowing = KEYED_TYPES.get(type(obj))
        if shadowing is not None and attribute not in shadowing and attribute in obj:
            return obj[attribute]
        if attribute in _data_fields(type(obj)):
            return getattr(obj, attribute)  # what the sandbox's checks would allow, sooner
        return super().getattr(obj, attribute)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and left.bit_length() * right > MAX_POWER_BITS
        ):
            raise SecurityError("the exponent in a template is too large")
        if operator == "*":
            count, seq = (right, left) if isinstance(right, int) else (left, right)
            if (
                isinstance(seq, str | list | tuple)
                and isinstance(count, int)
                and count * len(seq) > MAX_REPEAT
            ):
                raise SecurityError("a template repeats text too many times")
        if operator == "+" and isinstance(left, str | list | tuple):
            _check_size(_size(left) + _size(right), "joins texts or lists")
        if operator == "%" and isinstance(left, str):
            _check_printf(left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Method calls (`'x'.ljust(n)`, `', '.join(l)`) are measured like filters."""
        if __obj is not self.globals.get("range"):  # the sandbox bounds range itself
            _check_arguments(args, kwargs)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name == "join" and args:
                _check_join(args[0], owner)
            elif name == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
            elif name == "expandtabs":
                size = args[0] if args and isinstance(args[0], int) else 8
                _check_size(len(owner) + owner.count("\t") * size, "expands tabs")
            elif name == "translate" and args and isinstance(args[0], Mapping):
                longest = max((_size(v) for v in args[0].values() if v is not None), default=1)
                _check_size(len(owner) * max(longest, 1), "translates text")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`'{:>999999999}'.format(x)`: widths in the format are bounded too."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = str(value.__self__)

        def bounded(*args: Any, **kwargs: Any) -> str:
            mapping = args[0] if args and isinstance(args[0], Mapping) else {}
            _check_format_spec(template, (*args, *mapping.values()), kwargs)
            return wrapped(*args, **kwargs)

        return bounded

    def bounded_concat(self, parts: tuple[Any, ...]) -> str:
        """`a ~ b ~ c`, measured before it is joined."""
        texts = [str(part) for part in parts]
        _check_size(sum(map(len, texts)), "joins texts with '~'")
        return "".join(texts)


class _BoundedCodeGenerator(CodeGenerator):
    """Compile `~` to `environment.bounded_concat` instead of Jinja's unmeasured join."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


BoundedSandbox.code_generator_class = _BoundedCodeGenerator  # compiled templates use it


# --------------------------------------------------------------------------- size limits

MAX_TEXT = MAX_OUTPUT
"""The largest text or list one operation may make (characters or items)."""
MAX_ARGUMENT = 1_000_000
"""The largest number an operation may be given as a width, count or size."""
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_DIGITS = re.compile(r"\d+")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else len(str(value))


def _check_size(size: int, what: str) -> None:
    if size > MAX_TEXT:
        raise SecurityError(
            f"a template {what} into more than {MAX_TEXT:,} characters or items; "
            "check it for a loop that doubles a text"
        )


def _check_arguments(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise SecurityError(
                f"a template gives the number {value:,} as a width or count; "
                f"more than {MAX_ARGUMENT:,} is never needed in a brief"
            )


def _check_join(items: Any, separator: str) -> None:
    if isinstance(items, str | list | tuple):
        texts = [str(item) for item in items]
        _check_size(sum(map(len, texts)) + len(separator) * len(texts), "joins texts")


def _check_replace(text: str, old: Any, new: Any) -> None:
    count = text.count(str(old)) if str(old) else len(text) + 1
    _check_size(len(text) + count * len(str(new)), "replaces text")


def _check_printf(template: str, values: Any) -> None:
    values = values if isinstance(values, tuple) else (values,)
    groups = [d for m in _PRINTF.finditer(template) for d in m.groups() if d]
    widths = [int(d) for d in groups if d != "*"]
    _check_arguments(widths, {})
    if "*" in groups:  # the widths are among the values
        _check_arguments(values, {})
    _check_size(len(template) + sum(widths) + sum(_size(v) for v in values), "formats text")


def _check_format_spec(template: str, args: Any, kwargs: Any) -> None:
    widths = [int(d) for m in _FORMAT_SPEC.finditer(template) for d in _DIGITS.findall(m[1])]
    _check_arguments(widths, {})
    values = [*(args or ()), *((kwargs or {}).values())]
    _check_size(len(template) + sum(widths) + sum(_size(v) for v in values), "formats text")


_CONTEXTS = (jinja2.Environment, jinja2.runtime.Context, nodes.EvalContext)


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments, and for the text-building ones whose result, are measured
    before it runs. Jinja's pass-context/environment markers are kept."""
    name = getattr(function, "__name__", "")

    def bounded(*args: Any, **kwargs: Any) -> Any:
        # the value filtered may be any number; the arguments after it are the sizes
        values = [a for a in args if not isinstance(a, _CONTEXTS)]
        _check_arguments(values[1:], kwargs)
        if name == "do_join" and values:
            _check_join(list(values[0]) if not isinstance(values[0], str) else values[0], "")
            if len(values) > 1:
                _check_join(list(values[0]), str(values[1]))
        elif name == "do_replace" and len(values) >= 3:
            _check_replace(str(values[0]), values[1], values[2])
        elif name == "do_format" and values:
            _check_printf(str(values[0]), tuple(values[1:]) or tuple(kwargs.values()))
        elif name == "do_sum" and values and isinstance(values[0], list | tuple):
            _check_size(sum(_size(v) for v in values[0]), "adds texts or lists")
        elif name == "do_tojson" and (len(values) > 1 or "indent" in kwargs):
            indent = kwargs.get("indent", values[1] if len(values) > 1 else 0)
            width = indent if isinstance(indent, int) else _size(indent)
            # every character could start a line of `width` spaces (nested one-item lists)
            _check_size(_size(values[0]) * (1 + width), "writes JSON")
        elif name == "do_indent" and values:
            width = values[1] if len(values) > 1 else kwargs.get("width", 4)
            lines = str(values[0]).count("\n") + 1
            _check_size(len(str(values[0])) + lines * _size(width), "indents text")
        return function(*args, **kwargs)

    for marker in ("jinja_pass_arg",):
        if hasattr(function, marker):
            setattr(bounded, marker, getattr(function, marker))
    bounded.__name__ = name
    bounded.__doc__ = function.__doc__
    return bounded


class _BoundedLoader(jinja2.FileSystemLoader):
    """FileSystemLoader (which refuses names leading outside its folders), with a size cap,
    and refusing a template that is a symlink to a file outside the folder it is in."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not any(within(Path(filename), Path(folder)) for folder in self.searchpath):
            raise fail(
                "path-outside-workspace",
                f"template '{template}' is a link to a file outside the templates folder "
                f"({Path(filename).resolve()}); copy the file into templates/ instead",
                Location(Path(filename)),
            )
        if len(source) > MAX_TEMPLATE_BYTES:
            raise fail(
                "template-too-large",
                f"template '{template}' is larger than {MAX_TEMPLATE_BYTES:,} characters; "
                "a layout or style template is normally a few kilobytes",
                Location(Path(filename)),
            )
        return source, filename, uptodate


def make_environment(template_dirs: Iterable[Path]) -> BoundedSandbox:
    env = BoundedSandbox(
        loader=_BoundedLoader([str(d) for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


# --------------------------------------------------------------------------- filters


def md_inline(text: str) -> Md:
    """Text that may use *emphasis* and **strong**, as trusted intermediate Markdown."""
    return Md(inlines_to_internal_md(inline_markup(str(text))))


def sentence(part: dict[str, Any]) -> Md:
    """One paragraph part: a claim (marked with its id, so it gets its footnote) or
    organisation text."""
    text = md_inline(part["text"])
    if part["kind"] == "claim":
        return Md(f'[{text}]{{claim="{part["id"]}"}}')
    return text


def paragraph(parts: list[dict[str, Any]]) -> Md:
    """A paragraph's parts as consecutive sentences."""
    return Md(" ".join(sentence(p) for p in parts))


FILTERS: dict[str, Callable[..., Any]] = {
    "paragraph": paragraph,
    "sentence": sentence,
    "md_inline": md_inline,
    "date_long": date_long,
    "date_dmy": date_dmy,
}


# --------------------------------------------------------------------------- rendering


def get_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        searched = ", ".join(str(p) for p in getattr(env.loader, "searchpath", []))
        raise fail(
            "template-not-found",
            f"template '{name}' not found (looked in {searched}); "
            "check the name, or add the file to your workspace's templates/",
            None,
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise template_error(exc) from None


def render(template: jinja2.Template, context: dict[str, Any], limit: int = MAX_OUTPUT) -> str:
    """Render piece by piece, so a runaway loop is stopped before it fills the memory.

    `limit` is the most characters the output may have: `MAX_OUTPUT` unless the caller knows
    its data needs more (a page that shows every snapshot's text)."""
    pieces: list[str] = []
    size = 0
    with template_errors():
        for piece in template.generate(context):
            size += len(piece)
            if size > limit:
                raise fail(
                    "template-runaway",
                    f"template '{template.name}' produced more than "
                    f"{limit:,} characters; check it for a loop that never ends",
                    Location(Path(template.filename or "")),
                )
            pieces.append(piece)
    return "".join(pieces)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop templates that run too long (a loop in a loop over large ranges).

    The sandbox bounds each operation but not the number of them. An alarm signal needs the
    main thread of a POSIX process, which is how the CLI runs; elsewhere there is no limit.
    """
    if seconds is None:
        seconds = float(os.environ.get("DRAFT_TEMPLATE_SECONDS", TIME_LIMIT_SECONDS))
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def on_alarm(_signum: int, _frame: object) -> None:
        raise TemplateTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TemplateTimeout as exc:
        raise fail(
            "template-runaway",
            f"the templates ran for more than {seconds:g} seconds and were stopped; "
            "check them for loops inside loops",
            _template_frame(exc),
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def template_errors() -> Iterator[None]:
    """Turn any failure inside a template into a `DraftError` at the template's own line."""
    try:
        yield
    except DraftError:
        raise
    except (
        jinja2.TemplateError,
        ArithmeticError,
        TypeError,
        ValueError,
        LookupError,
        AttributeError,
        RecursionError,
        MemoryError,
        AssertionError,  # Jinja's own filters assert on bad arguments: truncate(-5)
    ) as exc:
        raise template_error(exc) from None


def template_error(exc: BaseException) -> DraftError:
    """Locate an exception in the template file and line it happened at."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        at = Location(Path(exc.filename or exc.name or "?"), exc.lineno)
        return fail("template-syntax", f"template syntax error: {exc.message}", at)
    where = _template_frame(exc)
    if isinstance(exc, jinja2.TemplateNotFound):  # {% include %} or {% import %} of a bad name
        return fail(
            "template-not-found",
            f"template '{exc.name}' not found; a template can only include or import "
            "other templates by name, from templates/ (never a path outside it)",
            where,
        )
    kind = "template-undefined" if isinstance(exc, jinja2.UndefinedError) else "template-error"
    message = str(exc) or type(exc).__name__
    if isinstance(exc, RecursionError):
        message = "the template calls itself without end (recursion too deep)"
    if isinstance(exc, jinja2.UndefinedError):
        message = (
            f"{message}; check the spelling, or see the README for the variables templates receive"
        )
    return fail(kind, f"template failed: {message}", where)


def _template_frame(exc: BaseException) -> Location | None:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    found: Location | None = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith(".j2") or "templates" in Path(name).parts:
            found = Location(Path(name), line)
    return found
