"""An on-disk Oxigraph store, for a graph too big for memory: :func:`load_store` bulk-loads N-Quads or TriG into a
new persistent store (named graphs plus their merge as the default graph, as the embedded engines see it) and
:func:`open_store_directory` opens one read-only (``mrkg load-store``, ``--store``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import QueryError
from .files import check_rdf_text, check_sealed, hold, release, remove_dead_temps, scratch_prefix
from .store import QUAD_COUNT, OxigraphStore, load_dataset_file

__all__ = ["load_store", "open_store_directory"]


def _dataset_format(path: Path) -> Any:
    import pyoxigraph as ox

    if not path.exists():
        raise QueryError(f"{path}: no such file; give built N-Quads files (mrkg build --output FILE.nq)")
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if path.suffix else None
    if rdf_format is None or not rdf_format.supports_datasets:
        raise QueryError(f"{path}: load-store reads datasets with named graphs: N-Quads (.nq) or TriG (.trig)")
    check_rdf_text(path, nquads=False)  # what the engine cannot read (a 30 MB line, binary data) is refused first
    check_sealed(path, count_lines=True)  # a built file cut short is refused, not loaded in part
    return rdf_format


def load_store(directory: Path, paths: list[Path], progress: Callable[[Path], None] | None = None) -> int:
    """Bulk-load ``paths`` into a new on-disk Oxigraph store at ``directory``; the number of quads loaded.

    Each file's quads go in as they are. A file whose default graph is empty (not one of MRKG's, which
    carry their merge) has its triples added once more to the default graph, so that queries without
    ``GRAPH`` see the merge of all graphs. The store is built beside ``directory``
    and renamed into place, so a failed load leaves nothing behind.
    """
    import pyoxigraph as ox

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise QueryError(f"{directory} already exists; load-store makes a new store: remove it or choose a new directory")
    formats = [_dataset_format(path) for path in paths]
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        remove_dead_temps(directory.parent, f".{directory.name}-")  # the scratch folders of killed loads
        scratch = Path(tempfile.mkdtemp(dir=directory.parent, prefix=scratch_prefix(f".{directory.name}-")))
    except OSError as exc:
        raise QueryError(f"{directory}: cannot make the store there ({exc.strerror or exc}); "
                         "choose a folder you can write to") from None
    lock = hold(scratch / "lock", exclusive=True)  # while this load runs, its scratch folder is not left over
    try:
        store = ox.Store(str(scratch / "store"))
        for path, rdf_format in zip(paths, formats):
            try:
                load_dataset_file(store, path, rdf_format)
            except SyntaxError as exc:
                raise QueryError(f"{path}: not valid RDF: {exc}") from None
            if progress:
                progress(path)
        store.flush()
        solutions = store.query(QUAD_COUNT)
        assert isinstance(solutions, ox.QuerySolutions)
        count = int(next(iter(solutions))[0].value)
        del store
        if directory.exists():
            directory.rmdir()
        os.rename(scratch / "store", directory)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if lock is not None:
            release(lock)
    return count


def open_store_directory(directory: Path) -> OxigraphStore:
    """Open the on-disk Oxigraph store at ``directory`` read-only; QueryError when it is not one."""
    if not (directory / "CURRENT").is_file():
        what = "does not exist" if not directory.exists() else "is not an Oxigraph store"
        raise QueryError(f"the store {directory} {what}; create one with 'mrkg load-store {directory} [FILES.nq]'",
                         option="store")
    try:
        store = OxigraphStore(directory=directory)
    except OSError as exc:
        raise QueryError(f"the store {directory} cannot be opened as an Oxigraph store ({exc}); "
                         "it may be in use by a writer or from another Oxigraph version", option="store") from None
    if not store.query("ASK { ?s ?p ?o }").boolean and store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean:
        raise QueryError(f"the store {directory} has an empty default graph, so queries without GRAPH find nothing; "
                         f"create it with 'mrkg load-store', which also loads the merge of the named graphs",
                         option="store")
    return store
