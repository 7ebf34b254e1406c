"""Tabular exports of the entity graph: CSV edge and node lists, the Neo4j import archive and KGX (Biolink) TSV."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from functools import cache
from pathlib import Path

import networkx as nx

from ..iris import VOCAB, shorten
from ..paths import ONTOLOGY_DIR
from ..traverse import SUMMARY_ATTRIBUTES

BIOLINK = "https://w3id.org/biolink/vocab/"



# --- CSV and Neo4j -----------------------------------------------------------------------------

#: Columns of the CSV edge list and node list.
EDGE_COLUMNS = ["source", "target", "predicate", "label", "sources"]
NODE_COLUMNS = ["id", "label", "type", "type_label"]


def _write_rows(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_csv_edges(graph: nx.MultiDiGraph, path: Path) -> None:
    rows = [[u, v, key, d["label"], ";".join(d["sources"])] for u, v, key, d in sorted(graph.edges(keys=True, data=True))]
    _write_rows(path, EDGE_COLUMNS, rows)


def write_csv_nodes(graph: nx.MultiDiGraph, path: Path) -> None:
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


def write_neo4j(graph: nx.MultiDiGraph, path: Path) -> None:
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


def write_kgx(graph: nx.MultiDiGraph, path: Path) -> None:
    import tarfile

    nodes, edges = _kgx_tables(graph)
    with tarfile.open(path, "w:gz") as archive:
        for name, header, rows in (("mrkg_nodes.tsv", KGX_NODE_COLUMNS, nodes), ("mrkg_edges.tsv", KGX_EDGE_COLUMNS, edges)):
            data = _csv_text(header, rows, delimiter="\t").encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


