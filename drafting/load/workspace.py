"""Where things are: the workspace around a report, its templates, its outputs.

Every path that enters `draft` goes through one containment rule, `within`: with symlinks
resolved, the path stays inside the folder it belongs to (the workspace, or the template folder
a template was found in). A link pointing elsewhere is refused, never followed, so a workspace
cannot read or overwrite files of another workspace or of the system. Names made from data
(citation keys) become file names only through `plain_name`.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from drafting.model import Location
from drafting.problems import fail

INPUT_FOLDERS = ("sources", "reports", "templates")
"""Folders of inputs: outputs never go there."""
MAX_NAME_BYTES = 200
"""File names made from data stay well under the 255 bytes file systems allow."""


def within(path: Path, folder: Path) -> bool:
    """True when `path`, with every symlink resolved, is `folder` or inside it.

    `os.path.realpath` rather than `Path.resolve`: a symlink loop must not raise here; it
    stays where it is, and reading it is then reported as what it is.
    """
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def absolute(path: Path) -> Path:
    """`path` made absolute and normalised *without* resolving symlinks (unlike `resolve`),
    so a link can still be seen for what it is."""
    return Path(os.path.abspath(path))  # noqa: PTH100 (Path has no lexical absolute+normalise)


def plain_name(name: str, what: str) -> str:
    """`name` if it can be a file name as it is, in the folder it is meant for; else a
    `DraftError` (code `unsafe-name`).

    Refused: empty, `.`/`..`, path separators, hidden names (a leading dot), control
    characters, and names too long for a file system.
    """
    reason = ""
    if name in ("", ".", ".."):
        reason = "it is empty or a folder name"
    elif "/" in name or "\\" in name:
        reason = "it contains a '/' or '\\', which would put the file in another folder"
    elif name.startswith("."):
        reason = "it starts with a '.', which would make the file hidden"
    elif any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        reason = "it contains a control character"
    elif len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        reason = f"it is longer than {MAX_NAME_BYTES} bytes"
    if reason:
        raise fail(
            "unsafe-name",
            f"the {what} {name!r} cannot be used as a file name: {reason}; "
            "use only letters, digits, '-' and '_' (rename it in the library)",
        )
    return name


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
        if self.templates.is_dir():
            self.require_inside(self.templates, "the templates folder")
        dirs = [d for d in (self.templates, shipped_templates()) if d.is_dir()]
        return list(dict.fromkeys(d.resolve() for d in dirs))

    def find_template(self, name: str) -> Path | None:
        for folder in self.template_dirs():
            if (folder / name).is_file():
                if not within(folder / name, folder):
                    raise fail(
                        "path-outside-workspace",
                        f"templates/{name} is a link to a file outside its folder; "
                        "copy the file into templates/ instead of linking to it",
                        Location(folder / name),
                    )
                return folder / name
        return None

    def contains(self, path: Path) -> bool:
        """True when `path`, with symlinks resolved, stays inside the workspace."""
        return within(path, self.root)

    def require_inside(self, path: Path, what: str) -> Path:
        """`path` if it stays inside the workspace, else a located `path-outside-workspace`."""
        if not self.contains(path):
            raise fail(
                "path-outside-workspace",
                f"{what} is a link to a place outside the workspace ({os.path.realpath(path)}); "
                "draft reads and writes only inside the workspace: replace the link with "
                "the folder or file itself",
                Location(absolute(path)),
            )
        return path

    def is_input(self, path: Path) -> bool:
        """True for the files `draft` reads as inputs: anything under reports/ or templates/,
        and the libraries (sources/*.bib, sources/*.json)."""
        return self.resolved().is_input(os.path.realpath(path))

    def resolved(self) -> Resolved:
        """The workspace with its root's links resolved now, to check many paths at once."""
        return Resolved.of(self.root)

    def output_folder(self, out: Path | None) -> Path:
        """Where a build writes: `out` if given, else build/ (which must stay inside the
        workspace); never a folder of inputs."""
        if out is None:
            return self.require_inside(self.build, "the build/ folder")
        if any(within(out, self.root / name) for name in INPUT_FOLDERS):
            raise fail(
                "output-in-inputs",
                f"--out {out} is inside the workspace's inputs ({', '.join(INPUT_FOLDERS)}); "
                "outputs there could replace or be read as inputs: choose another folder, "
                "e.g. --out build",
                Location(absolute(out)),
            )
        return out


@dataclass(frozen=True, slots=True)
class Resolved:
    """A workspace whose root has its links resolved once: for checking many paths in one go
    (every snapshot of a library) without resolving the root again for each of them.

    Paths are compared as text (`os.path.realpath` gives them without `..` or doubled
    separators; `os.path.normcase` folds case where the system does), which is what
    `Path.is_relative_to` decides, at a fraction of its cost.
    """

    root: str
    """The workspace's root, with every link resolved and its case normalised."""

    @classmethod
    def of(cls, root: Path) -> Resolved:
        return cls(os.path.normcase(os.path.realpath(root)))

    def contains(self, real: str) -> bool:
        """True when `real`, a path with its links resolved, is inside the workspace."""
        return _inside(os.path.normcase(real), self.root)

    def is_input(self, real: str) -> bool:
        """`Workspace.is_input` for a path with its links resolved."""
        real = os.path.normcase(real)
        if any(_inside(real, self._folder(name)) for name in ("reports", "templates")):
            return True
        folder, _, _ = real.rpartition(os.sep)
        return folder == self._folder("sources") and Path(real).suffix.lower() in (".bib", ".json")

    def _folder(self, name: str) -> str:
        return self.root.rstrip(os.sep) + os.sep + name


def _inside(path: str, folder: str) -> bool:
    """`Path(path).is_relative_to(folder)` for normalised paths with their links resolved."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def find_workspace(start: Path, *, report: bool = True) -> Workspace:
    """The first folder, from `start` upwards, that holds a `sources/` folder.

    A report folder is never its own workspace (reports live under `reports/`), so with
    `report=True` the search starts at its parent; otherwise at `start` itself.
    """
    # Search the path as given, without following links: a report folder that is a link into
    # another workspace belongs to this one's tree, and is then refused below.
    start = absolute(start)
    for folder in start.parents if report else (start, *start.parents):
        if (folder / "sources").is_dir():
            workspace = Workspace(folder)
            if report:
                workspace.require_inside(start, f"the report folder {start.name}")
                workspace.require_inside(start / "report.yaml", f"{start.name}/report.yaml")
            return workspace
    remedy = (
        "none of the folders above this report has a 'sources' folder. Put the report under "
        "reports/ in a folder that also holds sources/."
        if report
        else "run this inside a folder that holds sources/ (or give --workspace)"
    )
    raise fail("no-workspace", f"no workspace found: {remedy}", Location(start))
