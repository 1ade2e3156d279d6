"""The Jinja2 environment: layout and citation-style templates, rendered in a sandbox.

Templates are data a workspace may override, so they run in Jinja's immutable sandbox with
`StrictUndefined`, and every value they print is escaped for Markdown in `finalize`: data can
never become a footnote, heading, link or HTML. Only our own filters (`paragraph`, `sentence`)
return trusted Markdown (`Md`).
"""

from __future__ import annotations

import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from drafting.dates import date_dmy, date_long
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


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus limits on the two operators that can exhaust memory in one step."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        # `s.title` on a dict: the sandbox first tries the attribute and raises AttributeError
        # (slow, and done ~40 times a note); a key that no attribute shadows is read directly.
        shadowing = KEYED_TYPES.get(type(obj))
        if shadowing is not None and attribute not in shadowing and attribute in obj:
            return obj[attribute]
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
        return super().call_binop(context, operator, left, right)


class _BoundedLoader(jinja2.FileSystemLoader):
    """FileSystemLoader (which refuses names leading outside its folders), with a size cap."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
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


def render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render piece by piece, so a runaway loop is stopped before it fills the memory."""
    pieces: list[str] = []
    size = 0
    with template_errors():
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise fail(
                    "template-runaway",
                    f"template '{template.name}' produced more than "
                    f"{MAX_OUTPUT:,} characters; check it for a loop that never ends",
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
