"""Render footnotes and Sources entries for a library in a real workspace folder.

The same path as a build: `load_sources` reads the files, `resolve` numbers the notes and the
style template writes them; only the layout template and the writers are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from drafting.load.sources import load_sources
from drafting.load.workspace import Workspace
from drafting.model import Cite, CiteItem, Document, Meta, Note, Para, Source
from drafting.problems import Problem
from drafting.render.citations import STYLE_FILTERS, NoteStyle, resolve
from drafting.render.templating import make_environment
from drafting.render.walk import inlines
from drafting.text import plain
from drafting.writers.markdown import write

STYLES = ("chicago-note", "oscola")
ORGANISATION = "Example Rights Monitor"
"""Whose translations the notes mark (report.yaml's `organisation`)."""


def library(ws: Path) -> tuple[dict[str, Source], list[Problem]]:
    return load_sources(Workspace(ws))


def style(ws: Path, name: str, options: Mapping[str, Any] | None = None) -> NoteStyle:
    env = make_environment(Workspace(ws).template_dirs())
    env.filters.update(STYLE_FILTERS)
    return NoteStyle(env, name, options)


def notes(
    ws: Path,
    name: str,
    sequence: Sequence[Sequence[CiteItem]],
    options: Mapping[str, Any] | None = None,
) -> list[Note]:
    """One note per entry of `sequence`, each citing its items, in that order."""
    sources, problems = library(ws)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    paras = tuple(Para((Cite(f"c{i}", tuple(items)),)) for i, items in enumerate(sequence, start=1))
    doc = resolve(Document(Meta("t", ORGANISATION, None), paras), sources, style(ws, name, options))
    return [node for node in inlines(doc) if isinstance(node, Note)]


def note_text(note: Note) -> str:
    return plain(note.content)


def note_markdown(note: Note) -> str:
    """The note as the published .md writes it (italics as `*...*`)."""
    doc = Document(Meta("t", "o", None), (Para((note,)),))
    return write(doc).rsplit(f"[^{note.number}]: ", 1)[1].strip()


def entries(ws: Path, name: str) -> list[str]:
    """The Sources list of every source in the library, in the style's order, as plain text."""
    sources, _ = library(ws)
    note_style = style(ws, name)
    ordered = sorted(sources.values(), key=lambda s: (note_style.sort_key(s), s.key))
    return [_plain_md(note_style.entry(_view(s))) for s in ordered]


def _view(source: Source) -> dict[str, Any]:
    from drafting.render.citations import source_view

    return source_view(source)


def _plain_md(markdown: str) -> str:
    from drafting.render.citations import parse_note

    return plain(parse_note(markdown))
