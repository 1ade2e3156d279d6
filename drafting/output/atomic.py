"""Writing files: all or nothing, never a half-written file, with the permissions users expect.

One build replaces several files (the .md, the .docx, the manifest) and must look like one
change: a reader, an interrupted build (Ctrl-C, SIGTERM from `timeout` or CI, SIGKILL, a full
disk) and a parallel build see either the previous complete set or the new one.

How (`Transaction`):

1. Take a lock on the folder (`flock` on the folder itself: no lock file to litter it, and
   the kernel releases it when a killed build's process ends), so parallel builds queue.
2. Finish or clean up what an interrupted build left: a journal means every temporary file it
   names was complete, so the renames are finished; any other temporary file is deleted.
3. Write every new file in full to a temporary file beside its target and fsync it.
4. Write the journal (atomically), rename each temporary file over its target, the manifest
   last, fsync the folder, delete the journal. SIGINT and SIGTERM wait until this step is done.

Temporary files are created with mode 0666 so the user's umask applies, as for any file a
program creates; a file that replaces another takes the mode of the one it replaces.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from drafting.output.errors import writing

TEMP_SUFFIX = ".draft-tmp"
"""Every temporary file `draft` makes ends so; a later build deletes any left behind."""
JOURNAL = ".draft-journal.json"
_LEGACY_TEMP = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")


@writing
def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target.

    A rename within one folder is atomic, so a reader (or an interrupted run) sees either
    the old file or the new one, never a partial file.
    """
    tmp = stage(path, data)
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def write_all(outputs: Mapping[Path, bytes]) -> None:
    """Write several files so that a failure leaves every one of them as it was.

    For files of one folder that other runs may write too, use `Transaction`, which adds the
    lock and the journal that make the set survive SIGKILL.
    """
    staged: dict[Path, Path] = {}
    try:
        for path, data in outputs.items():
            staged[path] = stage(path, data)
        replace_all(staged)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


def replace_all(staged: Mapping[Path, Path]) -> None:
    """Rename each temporary file over its target; if one rename fails, undo the others.

    The previous version of each target is kept as a hard link (no copy) until all renames
    are done, so undoing is a rename too.
    """
    kept: dict[Path, Path | None] = {}
    try:
        for path, tmp in staged.items():
            kept[path] = _keep(path)
            tmp.replace(path)
    except BaseException:
        for path, old in kept.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                old.replace(path)
        raise
    finally:
        for old in kept.values():
            if old is not None:
                old.unlink(missing_ok=True)
    for folder in {p.parent for p in staged}:
        sync_folder(folder)


def _keep(path: Path) -> Path | None:
    if not path.is_file():
        return None
    old = temporary_name(path)
    os.link(path, old)
    return old


def temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def stage(path: Path, data: bytes, mode_of: Path | None = None) -> Path:
    """`data` in a new temporary file beside `path`, flushed to disk.

    The file gets the mode of `mode_of` (default: `path`) when that exists, else what the
    umask allows: temporary files from `mkstemp` are 0600, which a rename would keep.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            with contextlib.suppress(FileNotFoundError):
                os.fchmod(handle.fileno(), (mode_of or path).stat().st_mode & 0o7777)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def sync_folder(folder: Path) -> None:
    """Make renames in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems do not sync folders
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.EROFS):
            raise
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- transactions


class Transaction:
    """Replace files of one folder as one change; see the module's description.

    Use as a context manager: entering locks the folder and recovers from an interrupted run;
    `commit` writes the files given, in order (put the manifest last).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock_fd: int | None = None

    def __enter__(self) -> Transaction:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._lock_fd = fd
        recover(self.folder)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the lock
            self._lock_fd = None

    def commit(self, files: Mapping[str, bytes]) -> None:
        """Write `files` (name -> content, the last one last) into the folder, all or none."""
        staged: dict[Path, Path] = {}
        with terminate_as_interrupt():
            try:
                for name, data in files.items():
                    staged[self.folder / name] = stage(self.folder / name, data)
                with signals_held():
                    _write_journal(self.folder, staged)
                    try:
                        replace_all(staged)
                    finally:
                        (self.folder / JOURNAL).unlink(missing_ok=True)
            finally:
                for tmp in staged.values():
                    tmp.unlink(missing_ok=True)


def _write_journal(folder: Path, staged: Mapping[Path, Path]) -> None:
    pairs = [[tmp.name, path.name] for path, tmp in staged.items()]
    write_atomic(folder / JOURNAL, json.dumps(pairs).encode("utf-8"))


def recover(folder: Path) -> None:
    """Finish the renames a journal lists, then delete every temporary file left behind.

    Called with the folder locked. A journal is written only once every temporary file it
    names is complete and on disk, so finishing is always right; without a journal, nothing
    was replaced and the temporary files are only litter.
    """
    journal = folder / JOURNAL
    if journal.is_file():
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            pairs = []
        for pair in pairs if isinstance(pairs, list) else []:
            if not (isinstance(pair, list) and len(pair) == 2 and all(_plain(p) for p in pair)):
                continue
            tmp = folder / pair[0]
            if tmp.is_file():
                tmp.replace(folder / pair[1])
        sync_folder(folder)
        journal.unlink()
    for stale in folder.glob(f".*{TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)
    # draft 0.1 named its temporary files `.NAME.XXXXXXXX.tmp` (tempfile.mkstemp)
    for stale in folder.glob(".*.tmp"):
        legacy = _LEGACY_TEMP.fullmatch(stale.name)
        if legacy and (folder / legacy[1]).is_file():
            stale.unlink(missing_ok=True)


def _plain(name: object) -> bool:
    """A journal only ever names files in its own folder."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\0" not in name
    )


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (sent by `timeout`, CI cancellation, `kill`) cleans up as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Delay SIGINT and SIGTERM until the block is done: the renames are not cut in half."""
    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
