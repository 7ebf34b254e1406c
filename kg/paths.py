"""Locate the project's file trees (ontology, queries, curated data) in a checkout or an install.

In a source checkout (or an editable install) they sit beside the package; in a wheel they are
bundled under ``kg/_bundled/``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PACKAGE_DIR", "DATA_DIR", "IMPORTED_DIR", "ONTOLOGY_DIR", "QUERIES_DIR", "STATIC_DIR", "cache_dir"]

#: The installed ``kg`` package.
PACKAGE_DIR = Path(__file__).resolve().parent


def _tree(name: str) -> Path:
    """Return the ``name`` tree: bundled in the wheel, else at the repository root."""
    bundled = PACKAGE_DIR / "_bundled" / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name


#: Curated source tables (always inside the package).
DATA_DIR = PACKAGE_DIR / "data"
#: Sub-folder of a data directory with tables written by a script (kg/importers/), not by hand. A file there
#: has the schema of the table of the same name and its rows are read after the curated ones.
IMPORTED_DIR = "imported"
#: OWL vocabulary, controlled values and mappings (Turtle).
ONTOLOGY_DIR = _tree("ontology")
#: Named SPARQL queries (``*.rq``).
QUERIES_DIR = _tree("queries")
#: Files for browsers, shipped with the package so pages work offline (Cytoscape.js, the export page).
STATIC_DIR = PACKAGE_DIR / "static"


def cache_dir() -> Path:
    """Where built graphs are cached: ``$MRKG_CACHE``, else ``$XDG_CACHE_HOME/mrkg``, else ``~/.cache/mrkg``."""
    if env := os.environ.get("MRKG_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mrkg"
