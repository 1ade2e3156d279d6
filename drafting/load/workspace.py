"""Where things are: the workspace around a report, its templates, its outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafting.model import Location
from drafting.problems import fail

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # drafting/, above this load/ folder


def shipped_templates() -> Path:
    """The templates that come with `draft`.

    In a wheel they are packaged as `drafting/_templates`; in a source checkout (including an
    editable install) they are the repository's top-level `templates/`.
    """
    packaged = PACKAGE_DIR / "_templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


@dataclass(frozen=True, slots=True)
class Workspace:
    """A folder holding `sources/` and `reports/`, and optionally `templates/`."""

    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def template_dirs(self) -> list[Path]:
        """Search order: the workspace's own templates override the shipped ones by name."""
        dirs = [d for d in (self.templates, shipped_templates()) if d.is_dir()]
        return list(dict.fromkeys(d.resolve() for d in dirs))

    def find_template(self, name: str) -> Path | None:
        for folder in self.template_dirs():
            if (folder / name).is_file():
                return folder / name
        return None

    def contains(self, path: Path) -> bool:
        """True when `path`, with symlinks resolved, stays inside the workspace."""
        return path.resolve().is_relative_to(self.root.resolve())


def find_workspace(start: Path, *, report: bool = True) -> Workspace:
    """The first folder, from `start` upwards, that holds a `sources/` folder.

    A report folder is never its own workspace (reports live under `reports/`), so with
    `report=True` the search starts at its parent; otherwise at `start` itself.
    """
    start = start.resolve()
    for folder in start.parents if report else (start, *start.parents):
        if (folder / "sources").is_dir():
            return Workspace(folder)
    remedy = (
        "none of the folders above this report has a 'sources' folder. Put the report under "
        "reports/ in a folder that also holds sources/."
        if report
        else "run this inside a folder that holds sources/ (or give --workspace)"
    )
    raise fail("no-workspace", f"no workspace found: {remedy}", Location(start))
