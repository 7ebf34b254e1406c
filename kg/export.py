"""Export: write the graph in formats other tools read. One registry, ``FORMATS``, drives the CLI and tests.

RDF formats keep every fact; the dataset formats (N-Quads, TriG, JSON-LD) also keep the named
graph of each source, while the triple formats (Turtle, N-Triples, RDF/XML) hold the union of
all graphs. GraphML holds the entity projection of :mod:`kg.traverse` with labels, types and sources.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .errors import MRKGError
from .files import atomic_path
from .paths import ONTOLOGY_DIR
from .store import Store

__all__ = ["Format", "FORMATS", "export", "to_graphml_ready", "jsonld_context"]


@dataclass(frozen=True)
class Format:
    """An export format: its suffix, whether it keeps named graphs, and the writer."""

    suffix: str
    keeps_graphs: bool
    description: str
    write: Callable[[Store, Path], None]


def _pyoxigraph_writer(fmt: str) -> Callable[[Store, Path], None]:
    def write(store: Store, path: Path) -> None:
        store.dump(path, fmt)
    return write


def jsonld_context() -> dict:
    """The published JSON-LD context of the vocabulary (``ontology/context.jsonld``)."""
    return json.loads((ONTOLOGY_DIR / "context.jsonld").read_text(encoding="utf-8"))


def _write_jsonld(store: Store, path: Path) -> None:
    from rdflib import Dataset

    dataset = Dataset()
    with tempfile.TemporaryDirectory() as tmp:
        nquads = Path(tmp) / "graph.nq"
        store.dump(nquads, "nquads")
        dataset.parse(str(nquads), format="nquads")
    context = jsonld_context()["@context"]
    dataset.serialize(destination=str(path), format="json-ld", context=context, auto_compact=True)


def to_graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are plain strings (GraphML/GEXF writers reject lists and None)."""
    ready = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        ready.add_node(node, **{k: _plain(v) for k, v in data.items()}, iri=node)
    for u, v, key, data in graph.edges(keys=True, data=True):
        ready.add_edge(u, v, key=key, **{k: _plain(val) for k, val in data.items()})
    return ready


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ";".join(str(v) for v in value)
    return str(value)


def _write_graphml(store: Store, path: Path) -> None:
    from .traverse import project

    nx.write_graphml(to_graphml_ready(project(store)), str(path), encoding="utf-8")


#: Format name → Format. The CLI's ``--format`` choices come from here.
FORMATS: dict[str, Format] = {
    "nquads": Format(".nq", True, "N-Quads: every fact with its source's named graph", _pyoxigraph_writer("nquads")),
    "trig": Format(".trig", True, "TriG: named graphs in Turtle syntax", _pyoxigraph_writer("trig")),
    "jsonld": Format(".jsonld", True, "JSON-LD with named graphs, compacted with ontology/context.jsonld", _write_jsonld),
    "turtle": Format(".ttl", False, "Turtle: the union of all graphs", _pyoxigraph_writer("turtle")),
    "ntriples": Format(".nt", False, "N-Triples: the union of all graphs", _pyoxigraph_writer("ntriples")),
    "rdfxml": Format(".rdf", False, "RDF/XML: the union of all graphs", _pyoxigraph_writer("rdfxml")),
    "graphml": Format(".graphml", False, "GraphML of the entity graph (networkx, Gephi, Cytoscape, yEd)", _write_graphml),
}


def export(store: Store, fmt: str, path: Path) -> Path:
    """Write ``store`` as ``fmt`` to ``path`` atomically (the old file stays if writing fails)."""
    if fmt not in FORMATS:
        raise MRKGError(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    path = Path(path)
    if path.is_dir():
        raise MRKGError(f"--output {path} is a directory; give a file name such as {path / ('mrkg' + FORMATS[fmt].suffix)}")
    with atomic_path(path) as tmp:
        FORMATS[fmt].write(store, tmp)
    return path
