"""Files shared by several processes: atomic writes, locks that say a directory is in use, the seal of MRKG's
N-Quads files (their first and last lines), which tells a complete file from one cut short, and the check that a
file given to the engines is RDF text they can read."""

from __future__ import annotations

import codecs
import os
import re
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
           "scratch_prefix", "check_sealed", "SEAL_OPEN", "SEAL_CLOSE", "MAX_LINE", "check_rdf_text"]

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


def scratch_prefix(prefix: str) -> str:
    """``prefix`` with this process's id, for ``tempfile.mkdtemp``: a folder killed before its maker made its lock
    file is then known to be left over as soon as that process is gone, not only after :data:`ABANDONED_AFTER`."""
    return f"{prefix}{os.getpid()}~"


def _maker_alive(name: str) -> bool | None:
    """Whether the process whose id :func:`scratch_prefix` put in ``name`` still runs (None: no id in the name)."""
    found = re.search(r"(\d+)~[^~]*$", name)
    if found is None:
        return None
    try:
        os.kill(int(found[1]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or no such id at all: kept, to be safe)
    return True


def _abandoned(entry: Path, lock: Path) -> bool:
    """Whether ``entry`` has no lock to ask, and its maker is gone or it is older than :data:`ABANDONED_AFTER`."""
    if fcntl is not None and lock.exists():
        return False
    if _maker_alive(entry.name) is False:
        return True
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


# --- what the engines can read ----------------------------------------------------------------------------

#: The longest line (bytes) of an RDF file the engines are given: Oxigraph's parser holds a line in a buffer of
#: 16 MiB and fails with MemoryError beyond it, and rdflib takes minutes over such a line. A little under 16 MiB.
MAX_LINE = 16_000_000
#: Extensions of RDF files that are not N-Quads (or N-Triples, which N-Quads includes), by the syntax they name.
OTHER_SYNTAXES = {".ttl": "Turtle", ".trig": "TriG", ".rdf": "RDF/XML", ".owl": "RDF/XML", ".xml": "RDF/XML",
                  ".jsonld": "JSON-LD", ".json": "JSON"}
_CHUNK = 1 << 20
NEWLINE = b"\n"


def check_rdf_text(path: Path, nquads: bool = True) -> None:
    """QueryError naming ``path`` (and the line) unless it is a non-empty UTF-8 text file without NUL bytes or lines
    over :data:`MAX_LINE` bytes: what the engines need before they parse it. With ``nquads``, a name that says another
    syntax or gzip is refused too. One pass of 1 MiB reads."""
    read_as = "--graph reads N-Quads text files (.nq)" if nquads else "give N-Quads (.nq) or TriG (.trig) text files"
    if path.suffix.lower() in (".gz", ".gzip", ".bz2", ".xz", ".zst", ".zip"):
        raise QueryError(f"{path}: the file is compressed; decompress it first ({read_as})")
    if nquads and path.suffix.lower() in OTHER_SYNTAXES:
        raise QueryError(f"{path}: the name says {OTHER_SYNTAXES[path.suffix.lower()]}, but {read_as}: convert it to "
                         "N-Quads, or rename it to .nq if it holds N-Quads")
    if path.is_dir():
        raise QueryError(f"{path}: is a folder, not a file ({read_as})")
    try:
        with open(path, "rb") as handle:
            _check_text(path, handle, read_as)
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file; build one with 'mrkg build --output {path}'") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot read it ({exc.strerror or exc}); check its permissions") from None


def _check_text(path: Path, handle: Any, read_as: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, run, size = 1, 0, 0  # the line being read, and its length so far
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        if size == 0 and chunk.startswith(b"\x1f\x8b"):
            raise QueryError(f"{path}: the file is compressed with gzip; decompress it first (gunzip): {read_as}")
        size += len(chunk)
        bad = chunk.find(b"\0")
        if bad < 0:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = max(exc.start, 0)
        if bad >= 0:
            what = "a NUL byte" if chunk[bad:bad + 1] == b"\0" else "bytes that are not UTF-8"
            raise QueryError(f"{path}:{lines + chunk.count(NEWLINE, 0, bad)}: the line holds {what}, so the file is not "
                             f"text or it is damaged: {read_as}")
        first, last = chunk.find(NEWLINE), chunk.rfind(NEWLINE)
        if run + (len(chunk) if first < 0 else first) > MAX_LINE:  # a line within one chunk is shorter than the limit
            raise QueryError(f"{path}:{lines}: the line is longer than {MAX_LINE:,} bytes, the most the engines read; "
                             "the file cannot be loaded (MRKG's builds keep lines far shorter: a table cell is limited)")
        lines += chunk.count(NEWLINE)
        run = run + len(chunk) if first < 0 else len(chunk) - last - 1
    if size == 0:
        raise QueryError(f"{path}: the file is empty; give a built graph (mrkg build --output FILE.nq)")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise QueryError(f"{path}:{lines}: the file ends inside a UTF-8 character, so it was cut short") from None
