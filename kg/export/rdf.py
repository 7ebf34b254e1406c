"""RDF exports: the dataset formats (N-Quads, TriG, JSON-LD with named graphs), the triple formats (the merge),
and the ontology as OWL."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..paths import ONTOLOGY_DIR
from ..store import Store

# --- RDF ---------------------------------------------------------------------------------------


def pyoxigraph_writer(fmt: str) -> Callable[[Store, Path], None]:
    def write(store: Store, path: Path) -> None:
        store.dump(path, fmt)
    return write


def jsonld_context() -> dict:
    """The published JSON-LD context of the vocabulary (``ontology/context.jsonld``)."""
    return json.loads((ONTOLOGY_DIR / "context.jsonld").read_text(encoding="utf-8"))


def write_jsonld(store: Store, path: Path) -> None:
    from rdflib import Dataset

    dataset = Dataset()
    with tempfile.TemporaryDirectory() as tmp:
        nquads = Path(tmp) / "graph.nq"
        store.dump(nquads, "nquads")
        dataset.parse(str(nquads), format="nquads")
    context = jsonld_context()["@context"]
    dataset.serialize(destination=str(path), format="json-ld", context=context, auto_compact=True)



def write_owl(store: Store, path: Path) -> None:
    """The ontology alone (classes, properties, controlled values, mappings) as OWL in RDF/XML."""
    from ..ontology import load_ontology

    load_ontology().serialize(destination=str(path), format="xml")


