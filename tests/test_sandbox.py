"""Templates are data: the sandbox's fast path for the views' fields allows exactly what its
full checks allow, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pytest

from drafting.render.templating import make_environment


@dataclass(frozen=True)
class View:
    name: str
    items: list[str] = field(default_factory=list)
    _private: str = "hidden"

    def shout(self) -> str:
        return self.name.upper()


class NotADataclass(View):
    """A subclass that is not itself a dataclass: its fields get the full checks."""


def _render(source: str, **values: object) -> str:
    env = make_environment([Path()])
    return env.from_string(source).render(**values)


def test_a_views_fields_read_as_before() -> None:
    assert _render("{{ v.name }} {{ v.items | length }}", v=View("a", ["x"])) == "a 1"
    assert _render("{{ v.name }}", v=NotADataclass("b")) == "b"


@pytest.mark.parametrize(
    "source",
    [
        "{{ v._private }}",
        "{{ v.__class__ }}",
        "{{ v.__class__.__mro__ }}",
        "{{ v.__dataclass_fields__ }}",
        "{{ v.items.append('y') }}",
        "{{ w._private }}",
    ],
)
def test_what_the_sandbox_refuses_stays_refused(source: str) -> None:
    with pytest.raises((jinja2.exceptions.SecurityError, jinja2.exceptions.UndefinedError)):
        _render(source, v=View("a", ["x"]), w=NotADataclass("b"))
