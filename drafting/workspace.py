"""Where things are: the workspace around a report, its templates, its outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafting.model import Location
from drafting.problems import fail

PACKAGE_DIR = Path(__file__).resolve().parent


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


def find_workspace(report_dir: Path) -> Workspace:
    """Walk up from the report folder to the first folder that has a `sources/` folder."""
    start = report_dir.resolve()
    for folder in (start, *start.parents):
        if (folder / "sources").is_dir() and folder != start:
            return Workspace(folder)
    raise fail(
        "no-workspace",
        "no workspace found: none of the folders above this report has a 'sources' folder. "
        "Put the report under reports/ in a folder that also holds sources/.",
        Location(start),
    )
