"""Reading input files and fingerprinting bytes: used by every stage.

Every input file (report.yaml, claim files, *.bib, *.json) is read through `read_bytes`, which
reads regular files only. Anything else gets a located problem that says what the path is
instead and what to do: a folder, a FIFO (opening one would wait for a writer for ever), a
device or socket, a dangling symbolic link, a link loop, a name that is too long or holds a
NUL, a file the user may not read. `os_problem` words any other `OSError` the same way, for
the command line's one place where errors become exit codes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from drafting.model import Location
from drafting.output.errors import OutputWriteError
from drafting.problems import DraftError, Problem, display_path, error, fail

# Not on Windows, which has no FIFOs to block on.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)

# What the operating system's refusal means for the user, and what to do about it.
_REMEDIES = {
    errno.EACCES: "you may not read it; ask whoever manages the folder for read access",
    errno.EPERM: "you may not read it; ask whoever manages the folder for read access",
    errno.ELOOP: "it is a symbolic link that leads round in a loop; point the link at a real file",
    errno.ENAMETOOLONG: "its name is too long for this system; give it a shorter name",
    errno.ENOTDIR: "a folder on its path is a file; check the path",
    errno.EIO: "the disk could not read it; copy the file again from a good copy",
}


def digest(data: bytes) -> str:
    """The SHA-256 of `data` as lowercase hex: snapshots, outputs and the build manifest."""
    return hashlib.sha256(data).hexdigest()


def refusal(path: Path, where: Location | None = None) -> Problem | None:
    """None when `path` names a regular file (symbolic links followed); else the problem.

    The problem is `missing-file` when nothing is there, `not-a-file` for a folder, FIFO,
    device or socket, and `unreadable-file` when the system refuses the name. It is located
    at `where` (e.g. the line of report.yaml that names a claim file), else at the path.
    """
    at = where or Location(_absolute(path))
    shown = _shown(path)
    try:
        info = path.stat()  # only looks: never opens, so a FIFO cannot block
    except ValueError:  # "embedded null byte"
        return error(
            "unreadable-file",
            f"the file name '{shown}' holds a NUL character (U+0000), which no file name can "
            "hold; correct the name where it is written",
            at,
        )
    except FileNotFoundError:
        if _is_link(path):
            return error(
                "unreadable-file",
                f"'{shown}' is a symbolic link to '{path.readlink()}', which does not exist; "
                "point the link at the real file, or replace it with the file",
                at,
            )
        return error("missing-file", f"'{shown}' does not exist; check the name", at)
    except OSError as exc:
        return _os_error(exc, path, at)
    if stat.S_ISREG(info.st_mode):
        return None
    return error(
        "not-a-file",
        f"'{shown}' is {_kind(info.st_mode)}, not a file; "
        "replace it with the file, or move it out of the way",
        at,
    )


def read_bytes(path: Path, where: Location | None = None) -> bytes:
    """The content of a regular file, or a `DraftError` with the problem `refusal` names."""
    problem = refusal(path, where)
    if problem is not None:
        raise DraftError([problem])
    at = where or Location(_absolute(path))
    try:
        # O_NONBLOCK: if a FIFO was put there since the check, opening it still returns at once.
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except OSError as exc:
        raise DraftError([_os_error(exc, path, at)]) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise fail("not-a-file", f"'{_shown(path)}' is {_kind(mode)}, not a file", at)
        try:
            return handle.read()
        except OSError as exc:
            raise DraftError([_os_error(exc, path, at)]) from None


def read_text(path: Path, where: Location | None = None) -> str:
    """The file as text, or a `DraftError` that says which byte is not UTF-8."""
    return decode_text(read_bytes(path, where), path)


def decode_text(raw: bytes, path: Path) -> str:
    """`raw`, the bytes of the file at `path`, as text; else a `DraftError` that says which
    byte is not UTF-8. Apart from `read_text` for a caller that also needs the bytes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            "not-utf8",
            f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} cannot be "
            "read; save the file as UTF-8 (in most editors: Save As, encoding UTF-8)",
            Location(path, line, column),
        ) from None
    return text.removeprefix("\ufeff")


def visible(paths: list[Path]) -> list[Path]:
    """`paths` without hidden files (a name starting with '.'), such as the `._library.bib`
    that macOS leaves beside a file copied to a USB stick: they are not the user's data."""
    return [p for p in paths if not p.name.startswith(".")]


def os_problem(exc: OSError) -> Problem:
    """An `OSError` nobody expected, as a located problem.

    It is a write failure (`cannot-write`) when the `drafting.output` stage raised it as
    `OutputWriteError`, and otherwise a file that cannot be read (`unreadable-file`).
    """
    name = exc.filename if isinstance(exc.filename, str) else None
    at = Location(_absolute(Path(name))) if name else None
    if isinstance(exc, OutputWriteError):
        shown = f" '{_shown(Path(name))}'" if name else " the outputs"
        return error(
            "cannot-write",
            f"cannot write{shown} ({exc.strerror or exc}); check that the output folder is a "
            "folder you may write to and that the disk has room, or choose another with --out",
            at,
        )
    if name is None:
        return error(
            "unreadable-file",
            f"a file cannot be read ({exc.strerror or exc}); check the files of the workspace",
        )
    return _os_error(exc, Path(name), at or Location(Path(name)))


def _os_error(exc: OSError, path: Path, at: Location) -> Problem:
    remedy = _REMEDIES.get(exc.errno or 0)
    reason = remedy or f"{exc.strerror or exc}; check that it is a file you may read"
    return error("unreadable-file", f"'{_shown(path)}' cannot be read: {reason}", at)


def special_file_kind(mode: int) -> str | None:
    """ "a folder", "a named pipe (FIFO)"... for anything that is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _kind(mode: int) -> str:
    return special_file_kind(mode) or "a regular file"


def _is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except (OSError, ValueError):
        return False


def _absolute(path: Path) -> Path:
    """`path` made absolute without touching the disk (resolving could fail on a loop)."""
    return Path(os.path.abspath(path))  # noqa: PTH100 (resolve would follow links)


def _shown(path: Path) -> str:
    """The path as the user would type it; control characters (a NUL) made visible."""
    text = display_path(_absolute(path))
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
