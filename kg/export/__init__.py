"""Export: write the graph in formats other tools read. One registry, ``FORMATS``, drives the CLI and tests;
one module per family of formats (:mod:`.rdf`, :mod:`.graphs`, :mod:`.tables`, :mod:`.kgx`, :mod:`.sssom`), as
networkx's readwrite.

RDF formats keep every fact; the dataset formats (N-Quads, TriG, JSON-LD) also keep the named
graph of each source, while the triple formats (Turtle, N-Triples, RDF/XML) hold the union of
all graphs. The property-graph formats (GraphML, GEXF, Cytoscape.js JSON, CSV, Neo4j, KGX) hold
the entity projection of :mod:`kg.traverse` (one node per entity with its label and type, one edge
per (subject, predicate, object) with its label and sources) and every qualified statement with its
fields, as :mod:`.statements` lays them out. The drawings (DOT, HTML) hold the entity projection alone; SSSOM
(:mod:`.sssom`) holds the cross-references of the entities.

Every format can also hold a subgraph: the entities within ``depth`` steps of some ``around``
entities (:func:`subgraph`). Entity formats then hold exactly the subgraph's nodes and edges; RDF
formats hold every triple about its entities (labels, types, codes, the links among them), each in
the named graph of its source.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import MRKGError
from ..files import atomic_path
from ..progress import stage
from ..rdf_formats import FORMATS as RDF_FORMATS
from ..store import OxigraphStore, Store, Term
from .graphs import (
    to_cytoscape,
    to_dot,
    to_graphml_ready,
    to_html,
    write_cytoscape,
    write_dot,
    write_gexf,
    write_graphml,
    write_html,
)
from .kgx import biolink_category, biolink_predicate, write_kgx
from .rdf import jsonld_context, pyoxigraph_writer, write_jsonld, write_owl
from .sssom import write_sssom
from .statements import property_graph
from .tables import neo4j_label, neo4j_type, write_csv_edges, write_csv_nodes, write_neo4j

__all__ = [
    "Format", "FORMATS", "export", "subgraph", "to_graphml_ready", "jsonld_context",
    "biolink_category", "biolink_predicate", "to_cytoscape", "to_html", "to_dot",
    "neo4j_label", "neo4j_type", "property_graph",
]


@dataclass(frozen=True)
class Format:
    """An export format: its suffix, whether it keeps named graphs, the writer, and what the writer takes.

    ``write`` takes the :class:`Store` for RDF formats, and the entity graph (a networkx
    MultiDiGraph) when ``projection`` is true; with ``statements`` also true, the property graph of
    :mod:`.statements` (the entity graph with every qualified statement).
    """

    suffix: str
    keeps_graphs: bool
    description: str
    write: Callable[[Any, Path], None]
    projection: bool = False
    statements: bool = False


# --- subgraphs ---------------------------------------------------------------------------------


def subgraph(source: Store | nx.MultiDiGraph, around: Sequence[str], depth: int = 1) -> nx.MultiDiGraph:
    """The entity graph induced on the entities within ``depth`` steps (either direction) of any of ``around`` (IRIs)."""
    from ..traverse import project

    graph = source if isinstance(source, nx.MultiDiGraph) else project(source)
    missing = [iri for iri in around if iri not in graph]
    if missing:
        raise MRKGError(f"not an entity of the graph: {', '.join(missing)}")
    if depth < 0:
        raise MRKGError(f"the depth must be 0 or more, not {depth}", option="depth")
    undirected = graph.to_undirected(as_view=True)
    keep: set[str] = set()
    for iri in around:
        keep |= set(nx.single_source_shortest_path_length(undirected, iri, cutoff=depth))
    return graph.subgraph(keep).copy()


#: Every quad of one subject (``?s`` bound).
SUBJECT_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _rdf_subset(store: Store, entities: nx.MultiDiGraph, everything: nx.MultiDiGraph, directory: Path) -> Store:
    """A store holding every quad whose subject is one of ``entities`` and whose object is not an entity outside them."""
    path = directory / "subset.nq"
    with path.open("w", encoding="utf-8") as out:
        for iri in sorted(entities):  # one query per entity, its IRI bound as a parameter (never pasted into the text)
            subject = Term.iri(iri)
            for _, p, o, g in store.query(SUBJECT_QUADS, {"s": subject}).rows:
                assert p is not None and o is not None and g is not None
                if o.kind == "uri" and o.value in everything and o.value not in entities:
                    continue
                out.write(f"{subject.n3()} {p.n3()} {o.n3()} {g.n3()} .\n")
    return OxigraphStore(path)


# --- the registry ------------------------------------------------------------------------------

def _rdf(name: str, description: str, write: Callable[[Any, Path], None] | None = None) -> Format:
    """An RDF export: suffix and named graphs as kg.rdf_formats has them (JSON-LD: named graphs kept by its writer)."""
    rdf = RDF_FORMATS[name]
    return Format(rdf.extension, rdf.datasets or name == "jsonld", description, write or pyoxigraph_writer(name))


#: Format name → Format. The CLI's ``--format`` choices come from here.
FORMATS: dict[str, Format] = {
    "nquads": _rdf("nquads", "N-Quads: every fact with its source's named graph"),
    "trig": _rdf("trig", "TriG: named graphs in Turtle syntax"),
    "jsonld": _rdf("jsonld", "JSON-LD with named graphs, expanded (ontology/context.jsonld beside it)", write_jsonld),
    "turtle": _rdf("turtle", "Turtle: the union of all graphs"),
    "ntriples": _rdf("ntriples", "N-Triples: the union of all graphs"),
    "rdfxml": _rdf("rdfxml", "RDF/XML: the union of all graphs"),
    "owl": Format(".owl", False, "the ontology as OWL (RDF/XML), for Protégé, ROBOT or owlready2", write_owl),
    "graphml": Format(".graphml", False, "GraphML of the property graph (networkx, igraph, Gephi, Cytoscape, yEd)",
                      write_graphml, True, True),
    "gexf": Format(".gexf", False, "GEXF 1.2 of the property graph (Gephi, networkx)", write_gexf, True, True),
    "cytoscape": Format(".cyjs", False, "Cytoscape.js JSON of the property graph (Cytoscape, Cytoscape.js)",
                        write_cytoscape, True, True),
    "csv": Format(".csv", False, "CSV edge list: source, target, predicate, label, sources, then the statements' fields",
                  write_csv_edges, True, True),
    "csv-nodes": Format(".csv", False, "CSV node list: id, label, type, type_label, then the statement nodes' fields",
                        write_csv_nodes, True, True),
    "neo4j": Format(".zip", False, "Neo4j: node and relationship CSV files for neo4j-admin import, and load.cypher",
                    write_neo4j, True, True),
    "kgx": Format(".tar.gz", False, "KGX TSV (mrkg_nodes.tsv, mrkg_edges.tsv) with Biolink categories, predicates and qualifiers",
                  write_kgx, True, True),
    "sssom": Format(".sssom.tsv", False, "SSSOM TSV of the cross-references: each entity to its identifiers in other schemes",
                    write_sssom, True, True),
    "dot": Format(".dot", False, "Graphviz DOT of the entity graph", write_dot, True),
    "html": Format(".html", False, "one self-contained interactive HTML page (Cytoscape.js inlined)", write_html, True),
}


def export(store: Store, fmt: str, path: Path, around: Sequence[str] = (), depth: int = 1,
           graph: nx.MultiDiGraph | None = None) -> Path:
    """Write ``store`` as ``fmt`` to ``path`` atomically; with ``around`` (IRIs), only the subgraph within ``depth`` steps.

    ``graph`` is the entity projection of ``store`` if the caller already has it.
    """
    if fmt not in FORMATS:
        raise MRKGError(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    spec, path = FORMATS[fmt], Path(path)
    if path.is_dir():
        raise MRKGError(f"{path} is a directory; give a file name such as {path / ('mrkg' + spec.suffix)}",
                        option="path")
    if not around and not spec.projection:
        with atomic_path(path) as tmp, stage(f"writing {fmt}"):
            spec.write(store, tmp)
        return path
    from ..traverse import project

    everything = graph if graph is not None else project(store)
    entities = subgraph(everything, around, depth) if around else everything
    if around:
        entities.graph.update(around=list(around), depth=depth)
    with tempfile.TemporaryDirectory() as scratch, atomic_path(path) as tmp, stage(f"writing {fmt}"):
        if spec.statements:
            source = property_graph(store, entities)
        else:
            source = entities if spec.projection else _rdf_subset(store, entities, everything, Path(scratch))
        spec.write(source, tmp)
    return path
