"""`draft build --watch`: rebuild when a file of the workspace changes.

watchfiles (Rust `notify` underneath) reports changes from the operating system instead of
polling every file, coalesces the bursts an editor's save produces, and works the same on
Linux, macOS and Windows. A build that fails reports its problems and waits for the next
change: a half-typed YAML file must not end the session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from drafting.problems import DraftError, Problem

WATCHED_SUFFIXES = frozenset(
    {".yaml", ".yml", ".bib", ".json", ".j2", ".docx", ".txt", ".md", ".html", ".htm",
     ".xhtml", ".pdf", ".warc", ".gz", ".wacz"}
)  # fmt: skip
"""Inputs of a build: reports, libraries, templates, reference documents and snapshots."""


@dataclass(frozen=True, slots=True)
class BuildState:
    """What a reader of the build's output notices changing between two builds."""

    claims: frozenset[str]
    footnotes: int


def describe(before: BuildState | None, after: BuildState) -> str:
    """One line: claims added or removed and the footnote count."""
    if before is None:
        return f"{len(after.claims)} claim(s), {after.footnotes} footnote(s)"
    added = sorted(after.claims - before.claims)
    removed = sorted(before.claims - after.claims)
    parts = [f"{after.footnotes} footnote(s) (was {before.footnotes})"]
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return "; ".join(parts)


def is_input(path: Path, root: Path, outputs: Iterable[Path]) -> bool:
    """A workspace file a build reads: not an output, not hidden, not a temporary file."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    if any(part.startswith(".") for part in relative.parts):
        return False
    if any(path.resolve().is_relative_to(out.resolve()) for out in outputs):
        return False
    return path.suffix.lower() in WATCHED_SUFFIXES


def watch(
    root: Path,
    outputs: Iterable[Path],
    build: Callable[[], BuildState],
    say: Callable[[str], None],
    show: Callable[[Iterable[Problem]], None],
    stop: threading.Event | None = None,
) -> None:
    """Build now, then again after every change to an input, until interrupted."""
    import watchfiles  # only `--watch` pays for it

    folders = list(outputs)
    state = _attempt(build, None, say, show)
    say(f"watching {root} for changes (Ctrl-C to stop)")
    for changes in watchfiles.watch(
        root,
        watch_filter=lambda _change, name: is_input(Path(name), root, folders),
        stop_event=stop,
        raise_interrupt=False,
    ):
        names = sorted({Path(name).relative_to(root.resolve()).as_posix()
                        for _change, name in changes})  # fmt: skip
        say("changed: " + ", ".join(names))
        state = _attempt(build, state, say, show)


def _attempt(
    build: Callable[[], BuildState],
    before: BuildState | None,
    say: Callable[[str], None],
    show: Callable[[Iterable[Problem]], None],
) -> BuildState | None:
    try:
        after = build()
    except DraftError as exc:
        show(exc.problems)
        say("the build failed; fix the problems above and save again")
        return before
    say("rebuilt: " + describe(before, after))
    return after
