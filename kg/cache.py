"""Cache: built graphs and prepared stores under :func:`kg.paths.cache_dir`, safe with any number of processes.

Layout::

    mrkg-<checkout>-<fingerprint>/   one build of a checkout's sources; the fingerprint hashes their content
        graph.nq                     the dataset, sealed (kg.files.seal: its last line says it is complete)
        graph.origins.tsv            where each node came from
        graph.inferred.nq            what ``mrkg reason`` inferred, once it has run
        graph.store/                 the prepared Oxigraph store: ``oxigraph/`` and ``stamp.json``, and what
                                     commands derived from it once (``projection.json``, ``names.json``)
        lock                         every process that uses the build holds a shared lock on it
    documents-<checkout>/<id>.nq     the claims graphs of articles kept by ``mrkg ingest --add``: part of every build of
                                     that checkout (the fingerprint hashes them too)
    file-<key>/graph.store/          the prepared store of a user's N-Quads file (``mrkg serve --graph``),
                                     keyed on the file's path, size and modification time
    .tmp-*                           work in progress, locked by its maker; removed once the maker is gone

Everything is made in a ``.tmp-`` folder and published by one rename, so no process sees half a
build. Clean-up removes only what no running process holds: a ``mrkg serve`` keeps the build it
started with while ``mrkg build`` publishes a new one. A store's stamp names the N-Quads file it was
made from (size and modification time) and its own files with their sizes; a store that fails that
check, or that its engine cannot open, is prepared again, with one line on stderr saying so. A build
whose sources changed while it read them is thrown away and run again, so a key never names other
content than its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import QueryError
from .files import (
    atomic_path,
    check_rdf_text,
    check_sealed,
    hold,
    release,
    remove_dead_temps,
    scratch_prefix,
    share,
    still_there,
    try_exclusive,
)
from .paths import DATA_DIR, IMPORTED_DIR, ONTOLOGY_DIR, PACKAGE_DIR, cache_dir
from .progress import stage

if TYPE_CHECKING:
    from .store import OxigraphStore

__all__ = ["source_fingerprint", "checkout_key", "documents_dir", "document_files", "cached_graph",
           "cached_oxigraph", "open_prepared", "clean_up",
           "release_holds", "kept_beside"]

GRAPH = "graph.nq"
STORE = "graph.store"
LOCK = "lock"
TMP = ".tmp-"
#: How many times a build is started again when its sources change while it reads them.
BUILD_ATTEMPTS = 3
#: Files of an Oxigraph (RocksDB) directory that change when it is opened, or are not its data.
UNSTAMPED = ("LOG", "LOCK")

#: The folders this process uses, with the file descriptor of the shared lock it holds on each until it exits.
_pinned: dict[Path, int] = {}
#: The locks this process holds on folders that a rebuild moved aside: they stay until it exits, or release_holds().
_moved: list[int] = []


def source_fingerprint(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> str:
    """A hash of everything the build reads (tables, ontology files, the package code)."""
    digest = hashlib.sha256()
    files = [*sorted(data_dir.glob("*.tsv")), *sorted(data_dir.glob(f"{IMPORTED_DIR}/*.tsv")),
             *sorted(ontology_dir.glob("*.ttl")), *sorted(p for p in PACKAGE_DIR.rglob("*.py") if "_bundled" not in p.parts),
             *document_files(data_dir)]
    for path in files:
        digest.update(path.relative_to(path.parents[1]).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def documents_dir(data_dir: Path = DATA_DIR) -> Path:
    """Where ``mrkg ingest --add`` keeps the claims graphs of this checkout's added documents."""
    return cache_dir() / f"documents-{checkout_key(data_dir)}"


def document_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The added documents' N-Quads files, in name order (none when nothing was added)."""
    folder = documents_dir(data_dir)
    return sorted(folder.glob("*.nq")) if folder.is_dir() else []


def checkout_key(data_dir: Path = DATA_DIR) -> str:
    """A short name for this checkout or install (a hash of where its data lives), so that two checkouts sharing a
    cache folder keep their own builds."""
    return hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:8]


def _say(message: str) -> None:
    print(f"mrkg: {message}", file=sys.stderr, flush=True)


# --- builds ---------------------------------------------------------------------------------------------------


def cached_graph(rebuild: bool = False, data_dir: Path = DATA_DIR) -> Path:
    """The N-Quads file of the graph built from ``data_dir``, building it first if its sources changed.

    The build is held (a shared lock) until this process ends, so no other process removes it meanwhile.
    A new build replaces this checkout's older builds in the cache as soon as nobody uses them; other
    checkouts' builds are left alone.
    """
    fingerprint = source_fingerprint(data_dir)
    home = cache_dir() / f"mrkg-{checkout_key(data_dir)}-{fingerprint}"
    if not rebuild and _pin(home):
        try:
            check_sealed(home / GRAPH)
            return home / GRAPH
        except QueryError as exc:
            _say(f"the cached build {home.name} is damaged ({exc}); building it again")
    home = _build(fingerprint, data_dir)
    clean_up(data_dir)
    return home / GRAPH


def _build(fingerprint: str, data_dir: Path) -> Path:
    """Build ``data_dir`` in a work folder and publish it; the published folder, held by this process."""
    from .build import build_to_file  # rdflib is imported only when a build is needed

    for _ in range(BUILD_ATTEMPTS):
        with _WorkFolder(cache_dir(), f"mrkg-{checkout_key(data_dir)}-{fingerprint}") as work:
            with stage("building the graph from the tables"):
                build_to_file(work.path / GRAPH, data_dir, documents=document_files(data_dir))
            now = source_fingerprint(data_dir)
            if now != fingerprint:  # a table changed while the build read it: its content is not that key's
                fingerprint = now
                continue
            try:
                with stage("preparing the store"):
                    _prepare_store(work.path / GRAPH, work.path / STORE)
            except QueryError as exc:
                raise QueryError(f"the new build could not be loaded ({exc}); the previous build is kept; "
                                 "check the tables for an over-long cell") from None
            return work.publish(cache_dir() / f"mrkg-{checkout_key(data_dir)}-{fingerprint}")
    raise QueryError(f"the tables in {data_dir} kept changing while the build read them; "
                     "run the build again when the edits are saved")


def clean_up(data_dir: Path = DATA_DIR) -> list[Path]:
    """Remove what no running process uses: this checkout's older builds, stores of N-Quads files that changed or
    went away, and the work folders of killed processes; what was removed."""
    folder = cache_dir()
    if not folder.is_dir():
        return []
    removed = remove_dead_temps(folder, TMP)
    own = f"mrkg-{checkout_key(data_dir)}-"
    current = folder / f"{own}{source_fingerprint(data_dir)}"
    for entry in folder.iterdir():
        if entry in _pinned or entry == current:
            continue
        if entry.name.startswith(own) and not entry.is_dir():  # the flat files of MRKG before builds had folders
            entry.unlink(missing_ok=True)
            removed.append(entry)
        elif (entry.name.startswith(own) and entry.is_dir()) or (entry.name.startswith("file-") and _orphaned(entry)):
            if _remove_unused(entry):
                removed.append(entry)
    return removed


def release_holds() -> None:
    """Let go of every build and store this process holds, so that clean-up may remove them: call it only when no
    graph opened from the cache is in use any more (a long-running program that has closed its graphs)."""
    for fd in [*_pinned.values(), *_moved]:
        release(fd)
    _pinned.clear()
    _moved.clear()


def _orphaned(home: Path) -> bool:
    """Whether the user's N-Quads file that ``home`` prepared has changed or gone."""
    try:
        stamp = json.loads((home / STORE / "stamp.json").read_text(encoding="utf-8"))
        return _file_key(Path(stamp["graph"])) != home.name.removeprefix("file-")
    except (OSError, ValueError, KeyError, TypeError):
        return True


def _remove_unused(folder: Path) -> bool:
    """Remove ``folder`` unless a process holds its lock (or it has none, and so may be an older MRKG's)."""
    fd = try_exclusive(folder / LOCK) if (folder / LOCK).exists() else None
    if fd is None:
        if (folder / LOCK).exists() or not folder.name.endswith(".oxigraph"):
            return False
    try:
        trash = _aside(folder)
        os.rename(folder, trash)  # gone at once for every process; the files go after
        shutil.rmtree(trash, ignore_errors=True)
        return True
    except OSError:
        return False
    finally:
        if fd is not None:
            release(fd)


def _aside(folder: Path) -> Path:
    """A new name for ``folder`` to be moved to before it is removed (a work name: clean-up finishes the job)."""
    return folder.with_name(f"{TMP}old-{folder.name}-{secrets.token_hex(4)}")


def _pin(home: Path) -> bool:
    """Hold ``home`` for the rest of this process; False when it is not there (or was removed while we waited)."""
    if home in _pinned:
        return True
    fd = hold(home / LOCK)
    if fd is None:
        return False
    if not still_there(fd, home / LOCK):
        release(fd)
        return False
    _pinned[home] = fd
    return True


class _WorkFolder:
    """A ``.tmp-`` folder under ``parent`` that this process locks while it works in it; removed unless published."""

    def __init__(self, parent: Path, name: str) -> None:
        parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(dir=parent, prefix=scratch_prefix(f"{TMP}{name}-")))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o777 & ~umask)  # mkdtemp makes 0700; a published folder is readable like any other
        self.fd = hold(self.path / LOCK, exclusive=True)
        self.published = False

    def __enter__(self) -> _WorkFolder:
        return self

    def publish(self, target: Path, replace: bool = True) -> Path:
        """Rename the folder to ``target`` and go on holding it. An existing ``target`` (a rebuild) is renamed away
        first, and removed once nobody uses it; with ``replace=False``, or when another process published ``target``
        in the meantime, that copy is kept instead."""
        if replace and target.exists():
            try:
                os.rename(target, _aside(target))
            except OSError:
                pass
            if (fd := _pinned.pop(target, None)) is not None:
                _moved.append(fd)  # this process may still have it open
        try:
            os.rename(self.path, target)
        except OSError:
            if not target.is_dir():
                raise
            _pin(target)
            return target
        self.published = True
        if self.fd is not None:
            share(self.fd)  # the lock file moved with the folder: go on holding it, as a user
            _pinned[target] = self.fd
        return target

    def __exit__(self, *exc: object) -> None:
        if not self.published:
            shutil.rmtree(self.path, ignore_errors=True)
        if self.fd is not None and self.fd not in _pinned.values():
            release(self.fd)


# --- prepared stores ------------------------------------------------------------------------------------------


def _file_key(graph_path: Path) -> str:
    """The cache key of a user's N-Quads file: its resolved path, size and modification time."""
    status = graph_path.stat()
    return hashlib.sha256(f"{graph_path.resolve()}\0{status.st_size}\0{status.st_mtime_ns}".encode()).hexdigest()[:20]


def _store_home(graph_path: Path) -> Path:
    """Where the store of ``graph_path`` lives: in its build's folder, or in a ``file-`` folder of its own."""
    if graph_path.name == GRAPH and graph_path.resolve().parent in {p.resolve() for p in _pinned}:
        return graph_path.parent
    return cache_dir() / f"file-{_file_key(graph_path)}"


def cached_oxigraph(graph_path: Path) -> Path:
    """The prepared on-disk Oxigraph store of ``graph_path`` (a directory to open read-only), made once.

    A store whose stamp does not match ``graph_path`` or its own files is prepared again; the file is checked
    (kg.files.check_rdf_text, check_sealed) when its store is prepared, so an unchanged file is not read again.
    """
    if not graph_path.is_file():
        check_rdf_text(graph_path)  # names what it is instead (missing, a folder)
    try:
        home = _store_home(graph_path)
    except OSError as exc:
        raise QueryError(f"{graph_path}: cannot read it ({exc.strerror or exc})") from None
    if home.parent == cache_dir() and home.name.startswith("file-") and not _pin(home):
        remove_dead_temps(cache_dir(), TMP)
        with _WorkFolder(cache_dir(), home.name) as work:
            _prepare_store(graph_path, work.path / STORE)
            work.publish(home, replace=False)
        return home / STORE / "oxigraph"
    problem = _stamp_problem(home / STORE, graph_path)
    if problem is not None:
        if (home / STORE).exists():
            _say(f"the prepared store of {graph_path} {problem}; preparing it again")
        _prepare_store(graph_path, home / STORE)
    return home / STORE / "oxigraph"


def open_prepared(graph_path: Path) -> OxigraphStore:
    """The prepared store of ``graph_path``, open read-only; prepared again, once, when the engine cannot open it."""
    from .store import OxigraphStore

    directory = cached_oxigraph(graph_path)
    try:
        store = OxigraphStore(directory=directory)
    except (OSError, RuntimeError) as exc:
        _say(f"the prepared store of {graph_path} could not be opened ({str(exc)[:160]}); preparing it again")
        _prepare_store(graph_path, directory.parent)
        store = OxigraphStore(directory=directory)
    store.on_damage = _forget_stamp(directory.parent)
    return store


def kept_beside(store: Any, name: str, made_by: str, compute: Callable[[], Any]) -> Any:
    """JSON data that ``compute`` derives from a prepared store, computed once and kept in the store's folder.

    ``made_by`` is the deriving module's file: data written by other code, or a damaged file, is computed and
    written again, never used. A store that is not prepared (in memory, an endpoint) computes every time; so
    does one whose folder cannot be written. The folder goes as a whole when its store is prepared again.
    """
    directory = getattr(store, "directory", None)
    if directory is None or not (Path(directory).parent / "stamp.json").is_file():
        return compute()
    path = Path(directory).parent / name
    version = hashlib.sha1(Path(made_by).read_bytes()).hexdigest()
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept["version"] == version:
            return kept["data"]
    except (OSError, ValueError, KeyError, TypeError):  # not yet written, or damaged
        pass
    data = compute()
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps({"version": version, "data": data}, separators=(",", ":")), encoding="utf-8")
    except OSError:
        pass
    return data


def _forget_stamp(store_dir: Path) -> Callable[[], None]:
    """What a store found damaged at query time does: drop its stamp, so that the next run prepares it again."""
    return lambda: (store_dir / "stamp.json").unlink(missing_ok=True)


def _prepare_store(graph_path: Path, store_dir: Path) -> None:
    """Load ``graph_path`` into a new store at ``store_dir`` (its ``oxigraph/`` and ``stamp.json``), replacing one that
    is there; QueryError when the engine cannot load the file."""
    from .store import OxigraphStore, parsing

    check_rdf_text(graph_path)
    check_sealed(graph_path, count_lines=True)  # a sealed file with lines added after its seal loads too
    remove_dead_temps(store_dir.parent, TMP)
    with _WorkFolder(store_dir.parent, store_dir.name) as work:
        try:
            with parsing(graph_path):  # a syntax error names the file and its line
                OxigraphStore.prepare_directory(graph_path, work.path / "oxigraph")
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"{graph_path}: the engine cannot load it ({type(exc).__name__}: {str(exc)[:200]})") from None
        status = graph_path.stat()
        stamp = {"graph": str(graph_path.resolve()), "size": status.st_size, "mtime_ns": status.st_mtime_ns,
                 "files": _store_files(work.path / "oxigraph")}
        (work.path / "stamp.json").write_text(json.dumps(stamp, indent=1), encoding="utf-8")
        if store_dir.exists():  # damaged or stale: out of the way, and removed
            old = _aside(store_dir)
            os.rename(store_dir, old)
            shutil.rmtree(old, ignore_errors=True)
        (work.path / LOCK).unlink()  # a store is held through the folder it is in
        try:
            os.rename(work.path, store_dir)
            work.published = True
        except OSError:
            if not store_dir.is_dir():  # unless another process prepared it first: then theirs is kept
                raise


def _store_files(directory: Path) -> dict[str, int]:
    return {entry.name: entry.stat().st_size for entry in sorted(directory.iterdir())
            if not entry.name.startswith(UNSTAMPED)}


def _stamp_problem(store_dir: Path, graph_path: Path) -> str | None:
    """Why the store at ``store_dir`` cannot be trusted for ``graph_path``, or None when its stamp matches."""
    try:
        stamp = json.loads((store_dir / "stamp.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "has no stamp" if store_dir.exists() else "is missing"
    except (OSError, ValueError):
        return "has an unreadable stamp"
    status = graph_path.stat()
    if (stamp.get("size"), stamp.get("mtime_ns")) != (status.st_size, status.st_mtime_ns):
        return f"was made from an earlier {graph_path.name}"
    try:
        files = _store_files(store_dir / "oxigraph")
    except OSError:
        return "has lost its files"
    if files != stamp.get("files"):
        return "has missing or changed files"
    return None
