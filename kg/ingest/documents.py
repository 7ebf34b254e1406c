"""Documents kept in the built dataset: ``mrkg ingest --add`` writes the claims graph of an article beside this
checkout's builds (:func:`kg.cache.documents_dir`), and every later build writes it into the dataset, so the named
queries (``claims-vs-reference``, ``article-only-facts``) and the endpoint see it. Removing the file removes it.
"""

from __future__ import annotations

from pathlib import Path

from ..cache import cached_graph, documents_dir
from ..files import atomic_path

__all__ = ["add_document"]


def add_document(document_id: str, nquads: str) -> tuple[Path, Path]:
    """Keep a document's claims graph (replacing an earlier one of the same id) and rebuild: (its file, the build)."""
    folder = documents_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{document_id}.nq"
    with atomic_path(path) as tmp:
        tmp.write_text(nquads, encoding="utf-8")
    return path, cached_graph()
