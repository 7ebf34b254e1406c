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
    """Every quad as JSON-LD in expanded form, written by Oxigraph as it streams.

    Each named graph is an object with its ``@id`` and ``@graph``, and the merge's nodes stand beside them
    in the default graph, so jsonld.js, pyld, pyoxigraph and rdflib all read the same dataset. (A compacted
    file, as rdflib wrote it, took half a minute and was read by most tools as one blank-node graph.) The
    vocabulary's context rides along for tools that compact; every IRI is written out, so it changes nothing.
    """
    import pyoxigraph as ox

    context = json.dumps(jsonld_context()["@context"], indent=1)
    with tempfile.TemporaryDirectory() as tmp, path.open("wb") as out:
        nquads = Path(tmp) / "graph.nq"
        store.dump(nquads, "nquads")
        out.write(b'{"@context": ' + context.encode() + b',\n"@graph": ')
        ox.serialize(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS), out, format=ox.RdfFormat.JSON_LD)
        out.write(b"}\n")


def write_owl(store: Store, path: Path) -> None:
    """The ontology alone (classes, properties, controlled values, mappings) as OWL in RDF/XML."""
    from ..ontology import load_ontology

    load_ontology().serialize(destination=str(path), format="xml")


