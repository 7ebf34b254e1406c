"""Export: write the graph in formats other tools read. One registry, ``FORMATS``, drives the CLI and tests.

RDF formats keep every fact; the dataset formats (N-Quads, TriG, JSON-LD) also keep the named
graph of each source, while the triple formats (Turtle, N-Triples, RDF/XML) hold the union of
all graphs. The entity formats (GraphML, GEXF, Cytoscape.js JSON, CSV, Neo4j, KGX, DOT, HTML) hold
the entity projection of :mod:`kg.traverse`: one node per entity with its label and type, one edge
per (subject, predicate, object) with its label and sources.

Every format can also hold a subgraph: the entities within ``depth`` steps of some ``around``
entities (:func:`subgraph`). Entity formats then hold exactly the subgraph's nodes and edges; RDF
formats hold every triple about its entities (labels, types, codes, the links among them), each in
the named graph of its source.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import MRKGError
from .files import atomic_path
from .iris import VOCAB, shorten
from .paths import ONTOLOGY_DIR, STATIC_DIR
from .rdf_formats import FORMATS as RDF_FORMATS
from .store import OxigraphStore, Store
from .traverse import SUMMARY_ATTRIBUTES

__all__ = [
    "Format", "FORMATS", "export", "subgraph", "to_graphml_ready", "jsonld_context",
    "biolink_category", "biolink_predicate", "to_cytoscape", "to_html", "to_dot",
    "neo4j_label", "neo4j_type",
]

BIOLINK = "https://w3id.org/biolink/vocab/"


@dataclass(frozen=True)
class Format:
    """An export format: its suffix, whether it keeps named graphs, the writer, and what the writer takes.

    ``write`` takes the :class:`Store` for RDF formats, and the entity graph (a networkx
    MultiDiGraph) when ``projection`` is true.
    """

    suffix: str
    keeps_graphs: bool
    description: str
    write: Callable[[Any, Path], None]
    projection: bool = False


# --- subgraphs ---------------------------------------------------------------------------------


def subgraph(source: Store | nx.MultiDiGraph, around: Sequence[str], depth: int = 1) -> nx.MultiDiGraph:
    """The entity graph induced on the entities within ``depth`` steps (either direction) of any of ``around`` (IRIs)."""
    from .traverse import project

    graph = source if isinstance(source, nx.MultiDiGraph) else project(source)
    missing = [iri for iri in around if iri not in graph]
    if missing:
        raise MRKGError(f"not an entity of the graph: {', '.join(missing)}")
    if depth < 0:
        raise MRKGError(f"--depth must be 0 or more, not {depth}")
    undirected = graph.to_undirected(as_view=True)
    keep: set[str] = set()
    for iri in around:
        keep |= set(nx.single_source_shortest_path_length(undirected, iri, cutoff=depth))
    return graph.subgraph(keep).copy()


def _rdf_subset(store: Store, entities: nx.MultiDiGraph, everything: nx.MultiDiGraph, directory: Path) -> Store:
    """A store holding every quad whose subject is one of ``entities`` and whose object is not an entity outside them."""
    values = " ".join(f"<{iri}>" for iri in entities)
    rows = store.query(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}").rows
    path = directory / "subset.nq"
    with path.open("w", encoding="utf-8") as out:
        for s, p, o, g in rows:
            if o.kind == "uri" and o.value in everything and o.value not in entities:
                continue
            out.write(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n")
    return OxigraphStore(path)


# --- RDF ---------------------------------------------------------------------------------------


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


# --- GraphML, GEXF, Cytoscape.js ---------------------------------------------------------------


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


def _write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml(to_graphml_ready(graph), str(path), encoding="utf-8")


def _write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_gexf(to_graphml_ready(graph), str(path), encoding="utf-8")


def to_cytoscape(graph: nx.MultiDiGraph) -> dict:
    """Cytoscape.js JSON (``networkx.cytoscape_data``): node ``name`` is the label, edge ``key`` the predicate."""
    data = nx.cytoscape_data(graph, name="name", ident="id")
    for node in data["elements"]["nodes"]:
        node["data"]["name"] = node["data"].get("label", node["data"]["id"])
    return data


def _write_cytoscape(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(json.dumps(to_cytoscape(graph), ensure_ascii=False, indent=1), encoding="utf-8")


def to_html(graph: nx.MultiDiGraph, title: str = "MRKG", focus: Sequence[str] = ()) -> str:
    """One self-contained HTML page drawing ``graph`` with the vendored Cytoscape.js (works offline)."""
    data = {"elements": to_cytoscape(graph)["elements"], "focus": list(focus),
            "types": sorted({d.get("type_label", "") for _, d in graph.nodes(data=True)})}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    page = (STATIC_DIR / "view.html").read_text(encoding="utf-8")
    page = page.replace("__TITLE__", _html_escape(title)).replace("__DATA__", payload)
    return page.replace("__CYTOSCAPE__", (STATIC_DIR / "cytoscape.min.js").read_text(encoding="utf-8"))


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write_html(graph: nx.MultiDiGraph, path: Path) -> None:
    focus = graph.graph.get("around", [])
    labels = [graph.nodes[iri].get("label", iri) for iri in focus]
    title = f"MRKG: {', '.join(labels)} (depth {graph.graph['depth']})" if focus else "MRKG: the whole graph"
    path.write_text(to_html(graph, title, focus), encoding="utf-8")


# --- CSV and Neo4j -----------------------------------------------------------------------------

#: Columns of the CSV edge list and node list.
EDGE_COLUMNS = ["source", "target", "predicate", "label", "sources"]
NODE_COLUMNS = ["id", "label", "type", "type_label"]


def _write_rows(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_csv_edges(graph: nx.MultiDiGraph, path: Path) -> None:
    rows = [[u, v, key, d["label"], ";".join(d["sources"])] for u, v, key, d in sorted(graph.edges(keys=True, data=True))]
    _write_rows(path, EDGE_COLUMNS, rows)


def _write_csv_nodes(graph: nx.MultiDiGraph, path: Path) -> None:
    rows = [[n, d["label"], d["type"], d["type_label"]] for n, d in sorted(graph.nodes(data=True))]
    _write_rows(path, NODE_COLUMNS, rows)


def neo4j_label(type_curie: str) -> str:
    """The Neo4j node label of an entity type: ``mr:IonChannel`` → ``IonChannel``."""
    return type_curie.split(":", 1)[-1]


def neo4j_type(predicate_curie: str) -> str:
    """The Neo4j relationship type of a predicate: ``mr:hasAdverseEffect`` → ``HAS_ADVERSE_EFFECT``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", predicate_curie.split(":", 1)[-1]).upper()


NEO4J_NODE_HEADER = ["id:ID", "name", "iri", "type", "type_label", ":LABEL"]
NEO4J_EDGE_HEADER = [":START_ID", ":END_ID", ":TYPE", "predicate", "label", "sources:string[]",
                     "severity", "evidence", "disagreement", "through"]


def _write_neo4j(graph: nx.MultiDiGraph, path: Path) -> None:
    nodes = [[shorten(n), d["label"], n, d["type"], d["type_label"], f"Entity;{neo4j_label(d['type'])}"]
             for n, d in sorted(graph.nodes(data=True))]
    edges = [[shorten(u), shorten(v), neo4j_type(key), key, d["label"], ";".join(d["sources"]),
              *(d.get(a, "") for a in SUMMARY_ATTRIBUTES)] for u, v, key, d in sorted(graph.edges(keys=True, data=True))]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", _csv_text(NEO4J_NODE_HEADER, nodes))
        archive.writestr("relationships.csv", _csv_text(NEO4J_EDGE_HEADER, edges))
        archive.writestr("load.cypher", _load_cypher(sorted({row[5].split(";")[1] for row in nodes}),
                                                     sorted({row[2] for row in edges})))


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _load_cypher(labels: list[str], types: list[str]) -> str:
    """A Cypher script that loads nodes.csv and relationships.csv with LOAD CSV (no plugins needed)."""
    lines = [
        "// MRKG for Neo4j 5. Either bulk-import into an empty database:",
        "//   neo4j-admin database import full --nodes=import/nodes.csv "
        "--relationships=import/relationships.csv --array-delimiter=';' neo4j",
        "// or copy nodes.csv and relationships.csv into the import folder and run: cypher-shell -f load.cypher",
        "CREATE CONSTRAINT mrkg_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;",
        "LOAD CSV WITH HEADERS FROM 'file:///nodes.csv' AS row",
        "MERGE (n:Entity {id: row.`id:ID`})",
        "SET n.name = row.name, n.iri = row.iri, n.type = row.type, n.type_label = row.type_label;",
    ]
    lines += [f"MATCH (n:Entity) WHERE split(n.type, ':')[1] = '{label}' SET n:{label};" for label in labels]
    for rel in types:
        lines += [
            "LOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row",
            f"WITH row WHERE row.`:TYPE` = '{rel}'",
            "MATCH (a:Entity {id: row.`:START_ID`}), (b:Entity {id: row.`:END_ID`})",
            f"MERGE (a)-[r:{rel}]->(b)",
            "SET r.predicate = row.predicate, r.label = row.label, r.sources = split(row.`sources:string[]`, ';')"
            + (", r.severity = row.severity, r.evidence = row.evidence, r.disagreement = row.disagreement, "
               "r.through = row.through;" if rel == "INTERACTS_WITH" else ";"),
        ]
    return "\n".join(lines) + "\n"


# --- KGX (Biolink) -----------------------------------------------------------------------------


@cache
def _mappings() -> tuple[dict[str, str], dict[str, str]]:
    """mr: term → (best) Biolink CURIE, and mr: term → its parent in mrkg.ttl (class or property)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS, SKOS

    graph = Graph()
    graph.parse(ONTOLOGY_DIR / "mappings.ttl", format="turtle")
    graph.parse(ONTOLOGY_DIR / "mrkg.ttl", format="turtle")
    best: dict[str, str] = {}
    for relation in (SKOS.broadMatch, SKOS.closeMatch, SKOS.exactMatch):  # later (stronger) matches win
        for term, target in sorted(graph.subject_objects(relation)):
            if str(target).startswith(BIOLINK) and str(term).startswith(VOCAB):
                best[str(term)] = "biolink:" + str(target)[len(BIOLINK):]
    parents = {str(s): str(o) for rel in (RDFS.subClassOf, RDFS.subPropertyOf)
               for s, o in graph.subject_objects(rel) if isinstance(o, URIRef)}
    return best, parents


def _biolink(term_curie: str, fallback: str) -> str:
    best, parents = _mappings()
    iri = VOCAB + term_curie.removeprefix("mr:")
    while iri:
        if iri in best:
            return best[iri]
        iri = parents.get(iri, "")
    return fallback


def biolink_category(type_curie: str) -> str:
    """The Biolink category of an entity type, through ontology/mappings.ttl and superclasses (``mr:Drug`` → ``biolink:Drug``)."""
    return _biolink(type_curie, "biolink:NamedThing")


def biolink_predicate(predicate_curie: str) -> str:
    """The Biolink predicate of a relation, through mappings.ttl and superproperties, else ``biolink:related_to``."""
    predicate = _biolink(predicate_curie, "biolink:related_to")
    return predicate if predicate[8:9].islower() else "biolink:related_to"  # a slot, not a class


KGX_NODE_COLUMNS = ["id", "category", "name", "iri", "provided_by"]
KGX_EDGE_COLUMNS = ["id", "subject", "predicate", "object", "original_predicate", "category",
                    "primary_knowledge_source", "aggregator_knowledge_source", "supporting_data_source",
                    "knowledge_level", "agent_type"]


def _kgx_tables(graph: nx.MultiDiGraph) -> tuple[list[list[str]], list[list[str]]]:
    """KGX node and edge rows: CURIE ids, Biolink categories and predicates, knowledge sources as infores CURIEs."""
    nodes = [[shorten(n), biolink_category(d["type"]), d["label"], n, "infores:mrkg"] for n, d in sorted(graph.nodes(data=True))]
    edges = []
    for u, v, key, d in sorted(graph.edges(keys=True, data=True)):
        sources = [f"infores:{s}" for s in d["sources"]]
        edge_id = "mrkg:" + "--".join((shorten(u).replace(":", "."), key.removeprefix("mr:"), shorten(v).replace(":", ".")))
        edges.append([edge_id, shorten(u), biolink_predicate(key), shorten(v), key, "biolink:Association",
                      sources[0] if sources else "infores:mrkg", "infores:mrkg", "|".join(sources),
                      "knowledge_assertion", "manual_agent"])
    return nodes, edges


def _write_kgx(graph: nx.MultiDiGraph, path: Path) -> None:
    import tarfile

    nodes, edges = _kgx_tables(graph)
    with tarfile.open(path, "w:gz") as archive:
        for name, header, rows in (("mrkg_nodes.tsv", KGX_NODE_COLUMNS, nodes), ("mrkg_edges.tsv", KGX_EDGE_COLUMNS, edges)):
            data = _csv_text(header, rows, delimiter="\t").encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


# --- Graphviz DOT ------------------------------------------------------------------------------


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: nx.MultiDiGraph) -> Any:
    """A ``pydot.Dot`` digraph: nodes by IRI with label/type/sources, edges labelled by relation."""
    import pydot

    dot = pydot.Dot("mrkg", graph_type="digraph", strict=False)
    dot.set_node_defaults(shape="box", style="rounded", fontsize="10")
    dot.set_edge_defaults(fontsize="8")
    for node, data in sorted(graph.nodes(data=True)):
        dot.add_node(pydot.Node(_dot_id(node), label=_dot_id(data["label"]), type=_dot_id(data["type"]),
                                type_label=_dot_id(data["type_label"])))
    for u, v, key, data in sorted(graph.edges(keys=True, data=True)):
        dot.add_edge(pydot.Edge(_dot_id(u), _dot_id(v), key=_dot_id(key), label=_dot_id(data["label"]),
                                sources=_dot_id(";".join(data["sources"]))))
    return dot


def _write_dot(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(to_dot(graph).to_string(), encoding="utf-8")


# --- the registry ------------------------------------------------------------------------------

def _write_owl(store: Store, path: Path) -> None:
    """The ontology alone (classes, properties, controlled values, mappings) as OWL in RDF/XML."""
    from .ontology import load_ontology

    load_ontology().serialize(destination=str(path), format="xml")


def _rdf(name: str, description: str, write: Callable[[Any, Path], None] | None = None) -> Format:
    """An RDF export: suffix and named graphs as kg.rdf_formats has them (JSON-LD: named graphs kept by its writer)."""
    rdf = RDF_FORMATS[name]
    return Format(rdf.extension, rdf.datasets or name == "jsonld", description, write or _pyoxigraph_writer(name))


#: Format name → Format. The CLI's ``--format`` choices come from here.
FORMATS: dict[str, Format] = {
    "nquads": _rdf("nquads", "N-Quads: every fact with its source's named graph"),
    "trig": _rdf("trig", "TriG: named graphs in Turtle syntax"),
    "jsonld": _rdf("jsonld", "JSON-LD with named graphs, compacted with ontology/context.jsonld", _write_jsonld),
    "turtle": _rdf("turtle", "Turtle: the union of all graphs"),
    "ntriples": _rdf("ntriples", "N-Triples: the union of all graphs"),
    "rdfxml": _rdf("rdfxml", "RDF/XML: the union of all graphs"),
    "owl": Format(".owl", False, "the ontology as OWL (RDF/XML), for Protégé, ROBOT or owlready2", _write_owl),
    "graphml": Format(".graphml", False, "GraphML of the entity graph (networkx, igraph, Gephi, Cytoscape, yEd)",
                      _write_graphml, True),
    "gexf": Format(".gexf", False, "GEXF 1.2 of the entity graph (Gephi, networkx)", _write_gexf, True),
    "cytoscape": Format(".cyjs", False, "Cytoscape.js JSON of the entity graph (Cytoscape, Cytoscape.js)",
                        _write_cytoscape, True),
    "csv": Format(".csv", False, "CSV edge list: source, target, predicate, label, sources", _write_csv_edges, True),
    "csv-nodes": Format(".csv", False, "CSV node list: id, label, type, type_label", _write_csv_nodes, True),
    "neo4j": Format(".zip", False, "Neo4j: nodes.csv and relationships.csv for neo4j-admin import, and load.cypher",
                    _write_neo4j, True),
    "kgx": Format(".tar.gz", False, "KGX TSV (mrkg_nodes.tsv, mrkg_edges.tsv) with Biolink categories and predicates",
                  _write_kgx, True),
    "dot": Format(".dot", False, "Graphviz DOT of the entity graph", _write_dot, True),
    "html": Format(".html", False, "one self-contained interactive HTML page (Cytoscape.js inlined)", _write_html, True),
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
        raise MRKGError(f"--output {path} is a directory; give a file name such as {path / ('mrkg' + spec.suffix)}")
    if not around and not spec.projection:
        with atomic_path(path) as tmp:
            spec.write(store, tmp)
        return path
    from .traverse import project

    everything = graph if graph is not None else project(store)
    entities = subgraph(everything, around, depth) if around else everything
    if around:
        entities.graph.update(around=list(around), depth=depth)
    with tempfile.TemporaryDirectory() as scratch, atomic_path(path) as tmp:
        source = entities if spec.projection else _rdf_subset(store, entities, everything, Path(scratch))
        spec.write(source, tmp)
    return path
