"""Cache: the built graph, rebuilt only when the sources, the ontology or the code change.

The cache key is a hash of every curated table, every ontology file and the package's own code,
so a stale file is never used; files are written through a temporary file and a rename, so
concurrent runs never see a half-written graph.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .paths import DATA_DIR, ONTOLOGY_DIR, PACKAGE_DIR, cache_dir

__all__ = ["source_fingerprint", "cached_graph"]


def source_fingerprint(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> str:
    """A hash of everything the build reads (tables, ontology files, the package code)."""
    digest = hashlib.sha256()
    files = [*sorted(data_dir.glob("*.tsv")), *sorted(ontology_dir.glob("*.ttl")), *sorted(PACKAGE_DIR.glob("*.py"))]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def cached_graph(rebuild: bool = False) -> Path:
    """The N-Quads file of the built-in graph, building it first if the sources changed."""
    fingerprint = source_fingerprint()
    path = cache_dir() / f"mrkg-{fingerprint}.nq"
    if rebuild or not path.is_file():
        from .build import build_to_file  # rdflib is imported only when a build is needed

        build_to_file(path)
        for old in path.parent.glob("mrkg-*.nq"):
            if old != path:
                old.unlink(missing_ok=True)
    return path
