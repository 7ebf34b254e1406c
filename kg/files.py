"""Files shared by several processes: atomic writes, locks that say a directory is in use, and the seal of MRKG's
N-Quads files (their first and last lines), which tells a complete file from one cut short."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import QueryError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; nothing is then removed while it may be in use
    fcntl = None  # type: ignore[assignment]

__all__ = ["atomic_path", "hold", "share", "release", "try_exclusive", "still_there", "remove_dead_temps", "seal",
           "check_sealed", "SEAL_OPEN", "SEAL_CLOSE"]

#: A temporary file or folder whose maker left no lock is removed after this many seconds.
ABANDONED_AFTER = 3600.0


# --- locks: a process holds a shared lock on what it uses, a maker an exclusive one on what it makes -----------


def hold(path: Path, exclusive: bool = False) -> int | None:
    """Open ``path`` (created if missing) and take a lock on it, waiting for it; the file descriptor, which keeps the
    lock until :func:`release` or the end of the process. ``None`` when ``path`` cannot be opened."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT if exclusive else os.O_RDONLY, 0o644)
    except OSError:
        return None
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    return fd


def share(fd: int) -> None:
    """Turn an exclusive lock into a shared one (a maker that goes on using what it made)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_SH)


def release(fd: int) -> None:
    """Give up a lock taken by :func:`hold` or :func:`try_exclusive`."""
    os.close(fd)


def try_exclusive(path: Path) -> int | None:
    """An exclusive lock on ``path`` if nobody holds one, without waiting; else ``None`` (it is in use)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def still_there(fd: int, path: Path) -> bool:
    """Whether the file open as ``fd`` is still the one at ``path`` (not removed or replaced meanwhile)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


# --- atomic writes --------------------------------------------------------------------------------------------


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on error it is removed.

    Readers never see a half-written file, and a failed write leaves the old file untouched. The
    temporary file is locked while it is written, so the temporary files of a killed writer are
    recognised and removed by the next write to the same place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}."
    remove_dead_temps(path.parent, prefix)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the permissions a plain open() would
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        os.close(fd)


def remove_dead_temps(folder: Path, prefix: str) -> list[Path]:
    """Remove the temporary files and folders named ``prefix*`` in ``folder`` whose maker is gone; what was removed.

    A maker holds an exclusive lock on its temporary file (or on the ``lock`` file of its folder) while it
    works; what nobody holds is left over from a killed process. Without locks (Windows), or when a folder
    has no lock file yet, only what is older than :data:`ABANDONED_AFTER` counts as left over.
    """
    import shutil

    removed = []
    for entry in folder.glob(f"{prefix}*"):
        lock = entry / "lock" if entry.is_dir() else entry
        fd = try_exclusive(lock) if lock.exists() else None
        if fd is None and not _abandoned(entry, lock):
            continue
        try:
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
            removed.append(entry)
        finally:
            if fd is not None:
                release(fd)
    return removed


def _abandoned(entry: Path, lock: Path) -> bool:
    """Whether ``entry`` has no lock to ask and is older than :data:`ABANDONED_AFTER`."""
    if fcntl is not None and lock.exists():
        return False
    try:
        return time.time() - entry.stat().st_mtime > ABANDONED_AFTER
    except OSError:
        return False


# --- the seal of MRKG's N-Quads files -------------------------------------------------------------------------

#: The first line of an N-Quads file written by MRKG (an N-Quads comment, ignored by every parser).
SEAL_OPEN = "# MRKG N-Quads:"
#: The start of its last line; a file that opens with the seal and does not close with it was cut short.
SEAL_CLOSE = "# end of MRKG N-Quads:"


def seal(lines: int) -> tuple[str, str]:
    """The first and last lines of an MRKG N-Quads file that has ``lines`` lines of quads between them."""
    return (f"{SEAL_OPEN} {lines} lines of quads follow; the file is complete only if its last line says so",
            f"{SEAL_CLOSE} {lines} lines of quads")


def check_sealed(path: Path, count_lines: bool = False) -> None:
    """QueryError if ``path`` is an MRKG N-Quads file that was cut short or changed in length.

    A file that does not open with the seal (written by another tool) is not checked. Lines added after
    the closing line (a hand edit) are accepted when ``count_lines`` shows the sealed part whole. With
    ``count_lines`` the lines between the seal's two lines are counted too (a second or so per
    gigabyte); without, only the closing line is read.
    """
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
            if not first.startswith(SEAL_OPEN.encode()):
                return
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 200))
            last = handle.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
            words = first[len(SEAL_OPEN):].split()
            expected = int(words[0]) if words and words[0].isdigit() else -1
            closing = f"{SEAL_CLOSE} {expected} lines of quads".encode()
            if last != closing and not (count_lines and _appended_after(handle, closing, expected)):
                raise QueryError(f"{path}: the file was cut short (its last line is not MRKG's closing line); "
                                 f"build it again (mrkg build --output {path.name}) or copy it again")
            if count_lines and last == closing:
                handle.seek(0)
                found = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 2
                if found != expected:
                    raise QueryError(f"{path}: the file has {found:,} lines of quads where its seal says "
                                     f"{expected:,}; it was edited or damaged: build it again")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _appended_after(handle: Any, closing: bytes, expected: int) -> bool:
    """Whether lines were added after a complete sealed file (its closing line stands after ``expected`` lines)."""
    handle.seek(0)
    for number, line in enumerate(handle):
        if line.rstrip(b"\n") == closing:
            return number == expected + 1
    return False
