"""Cache: the built graph, rebuilt only when the sources, the ontology or the code change.

The cache key is a hash of every curated table, every ontology file and the package's own code,
so a stale file is never used; files are written through a temporary file and a rename, so
concurrent runs never see a half-written graph.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from .errors import QueryError
from .paths import DATA_DIR, IMPORTED_DIR, ONTOLOGY_DIR, PACKAGE_DIR, cache_dir

__all__ = ["source_fingerprint", "checkout_key", "cached_graph", "cached_oxigraph"]


def source_fingerprint(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> str:
    """A hash of everything the build reads (tables, ontology files, the package code)."""
    digest = hashlib.sha256()
    files = [*sorted(data_dir.glob("*.tsv")), *sorted(data_dir.glob(f"{IMPORTED_DIR}/*.tsv")),
             *sorted(ontology_dir.glob("*.ttl")), *sorted(p for p in PACKAGE_DIR.rglob("*.py") if "_bundled" not in p.parts)]
    for path in files:
        digest.update(path.relative_to(path.parents[1]).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def checkout_key(data_dir: Path = DATA_DIR) -> str:
    """A short name for this checkout or install (a hash of where its data lives), so that two checkouts sharing a
    cache folder keep their own builds."""
    return hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:8]


def cached_graph(rebuild: bool = False) -> Path:
    """The N-Quads file of the built-in graph, building it first if the sources changed.

    A new build replaces this checkout's older builds in the cache, never another checkout's.
    """
    own = f"mrkg-{checkout_key()}-"
    path = cache_dir() / f"{own}{source_fingerprint()}.nq"
    if rebuild or not path.is_file():
        from .build import build_to_file  # rdflib is imported only when a build is needed

        build_to_file(path)
        _check_loadable(path)  # before the older builds go: a build the engine cannot open must not replace them
        for old in path.parent.glob(f"{own}*"):
            if not old.name.startswith(path.stem):
                shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)
    return path


def _check_loadable(path: Path) -> None:
    """Prepare the new build's Oxigraph store; if the engine cannot load the file, remove it and say so."""
    try:
        cached_oxigraph(path)
    except (OSError, ValueError, SyntaxError, MemoryError) as exc:
        for made in (path, path.with_suffix(".oxigraph"), path.with_name(path.stem + ".origins.tsv")):
            shutil.rmtree(made, ignore_errors=True) if made.is_dir() else made.unlink(missing_ok=True)
        raise QueryError(f"the new build {path.name} could not be loaded ({type(exc).__name__}: {str(exc)[:200]}); "
                         "it was removed and the previous build kept; check the tables for an over-long cell") from None


def cached_oxigraph(graph_path: Path) -> Path:
    """An on-disk Oxigraph store of ``graph_path`` beside it, prepared once, so a cold query opens it instantly.

    It is prepared in a temporary directory and renamed into place; if another process got there
    first, its copy is kept and this one discarded.
    """
    from .store import OxigraphStore

    directory = graph_path.with_suffix(".oxigraph")
    if not directory.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=graph_path.parent, prefix=f".{graph_path.stem}-"))
        try:
            OxigraphStore.prepare_directory(graph_path, tmp / "store")
            os.rename(tmp / "store", directory)
        except OSError:
            if not directory.is_dir():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return directory
