"""Tabular exports of the property graph: CSV edge and node lists and the Neo4j import archive (KGX: :mod:`.kgx`)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import networkx as nx

from ..iris import shorten
from ..traverse import SUMMARY_ATTRIBUTES
from .statements import Field, cell, columns, statement_fields, statement_kinds

# --- CSV and Neo4j -----------------------------------------------------------------------------

#: Columns of the CSV edge list and node list (the statements' fields follow them, :func:`.statements.columns`).
EDGE_COLUMNS = ["source", "target", "predicate", "label", "sources"]
NODE_COLUMNS = ["id", "label", "type", "type_label"]


def _write_rows(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_csv_edges(graph: nx.MultiDiGraph, path: Path) -> None:
    """One row per edge; a statement's relationship also names its statement and fills in its fields."""
    fields = [f.name for f in columns(graph, relationships=True)]
    rows = [[u, v, shorten(d["predicate"]), d["label"], ";".join(d["sources"]), d.get("statement", ""),
             *(cell(d.get(f)) for f in fields)] for u, v, _, d in sorted(graph.edges(keys=True, data=True))]
    _write_rows(path, EDGE_COLUMNS + ["statement"] + fields, rows)


def write_csv_nodes(graph: nx.MultiDiGraph, path: Path) -> None:
    """One row per node; a statement node fills in its fields."""
    fields = [f.name for f in columns(graph, relationships=False)]
    rows = [[n, d["label"], d["type"], d["type_label"], *(cell(d.get(f)) for f in fields)]
            for n, d in sorted(graph.nodes(data=True))]
    _write_rows(path, NODE_COLUMNS + fields, rows)


def neo4j_label(type_curie: str) -> str:
    """The Neo4j node label of an entity type: ``mr:IonChannel`` → ``IonChannel``."""
    return type_curie.split(":", 1)[-1]


def neo4j_type(predicate_curie: str) -> str:
    """The Neo4j relationship type of a predicate or statement kind: ``mr:hasAdverseEffect`` → ``HAS_ADVERSE_EFFECT``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", predicate_curie.split(":", 1)[-1]).upper()


NEO4J_NODE_HEADER = ["id:ID", "name", "iri", "type", "type_label", ":LABEL"]
NEO4J_EDGE_HEADER = [":START_ID", ":END_ID", ":TYPE", "predicate", "label", "sources:string[]",
                     "severity", "evidence", "disagreement", "through"]
#: Columns of a statement kind's file before its fields: nodes (a node kind) or relationships (a relationship kind).
NEO4J_STATEMENT_NODE_HEADER = ["id:ID", "name", "iri", "type", "type_label"]
NEO4J_STATEMENT_EDGE_HEADER = [":START_ID", ":END_ID", ":TYPE", "id", "iri", "label"]
NEO4J_LINK_HEADER = [":START_ID", ":END_ID", ":TYPE", "predicate", "label"]
#: The archive's file of the links from statement nodes to the entities they name.
NEO4J_LINKS = "relationships-statement-links.csv"


def neo4j_column(field: Field) -> str:
    """A field's column in a neo4j-admin header: ``quantityValue:double``, ``sources:string[]``, ``severity``."""
    kind = "" if field.type == "string" and not field.multiple else ":" + field.type
    return field.name + (kind + "[]" if field.multiple else kind)


def _neo4j_files(graph: nx.MultiDiGraph) -> dict[str, tuple[list[str], list[list[str]]]]:
    """File name → (header, rows) of every CSV file of the Neo4j archive."""
    kinds, fields = statement_kinds(graph), statement_fields(graph)
    entities = {n for n, d in graph.nodes(data=True) if d["type"] not in kinds}
    files: dict[str, tuple[list[str], list[list[str]]]] = {
        "nodes.csv": (NEO4J_NODE_HEADER, []), "relationships.csv": (NEO4J_EDGE_HEADER, []), NEO4J_LINKS: (NEO4J_LINK_HEADER, [])}
    for kind, spec in sorted(kinds.items()):
        is_edge = spec.relationship
        base = NEO4J_STATEMENT_EDGE_HEADER if is_edge else NEO4J_STATEMENT_NODE_HEADER
        header = base + [neo4j_column(f) for f in fields[kind]] + ([] if is_edge else [":LABEL"])
        files[f"{'relationships' if is_edge else 'nodes'}-{neo4j_label(kind)}.csv"] = (header, [])
    for n, d in sorted(graph.nodes(data=True)):
        if n in entities:
            files["nodes.csv"][1].append([shorten(n), d["label"], n, d["type"], d["type_label"],
                                          f"Entity;{neo4j_label(d['type'])}"])
        else:
            values = [cell(d.get(f.name)) for f in fields[d["type"]]]
            files[f"nodes-{neo4j_label(d['type'])}.csv"][1].append(
                [shorten(n), d["label"], n, d["type"], d["type_label"], *values, f"Statement;{neo4j_label(d['type'])}"])
    for u, v, key, d in sorted(graph.edges(keys=True, data=True)):
        kind = shorten(d["predicate"])
        if "statement" in d:
            values = [cell(d.get(f.name)) for f in fields[kind]]
            files[f"relationships-{neo4j_label(kind)}.csv"][1].append(
                [shorten(u), shorten(v), neo4j_type(kind), key, d["statement"], d["label"], *values])
        elif u in entities:
            files["relationships.csv"][1].append([shorten(u), shorten(v), neo4j_type(key), key, d["label"],
                                                  ";".join(d["sources"]), *(d.get(a, "") for a in SUMMARY_ATTRIBUTES)])
        else:
            files[NEO4J_LINKS][1].append([shorten(u), shorten(v), neo4j_type(key), key, d["label"]])
    return files


def write_neo4j(graph: nx.MultiDiGraph, path: Path) -> None:
    files = _neo4j_files(graph)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in files.items():
            archive.writestr(name, _csv_text(header, rows))
        archive.writestr("load.cypher", _load_cypher(files))


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _cypher_value(column: str) -> tuple[str, str]:
    """A header column → (property name, Cypher expression reading it from ``row``)."""
    name, _, kind = column.partition(":")
    raw = f"row.`{column}`"
    if kind.endswith("[]"):
        return name, f"CASE WHEN {raw} IS NULL THEN null ELSE split({raw}, ';') END"
    return name, {"double": f"toFloat({raw})", "long": f"toInteger({raw})", "boolean": f"toBoolean({raw})"}.get(kind, raw)


def _load_cypher(files: dict[str, tuple[list[str], list[list[str]]]]) -> str:
    """A Cypher script that loads every CSV file of the archive with LOAD CSV (no plugins needed)."""
    node_files = [name for name in files if name.startswith("nodes")]
    edge_files = [name for name in files if name.startswith("relationships")]
    lines = [
        "// MRKG for Neo4j 5. Either bulk-import into an empty database:",
        "//   neo4j-admin database import full " + " ".join(f"--nodes=import/{name}" for name in node_files) + " "
        + " ".join(f"--relationships=import/{name}" for name in edge_files)
        + " --array-delimiter=';' --multiline-fields=true neo4j",
        "// or copy the CSV files into the import folder and run: cypher-shell -f load.cypher",
        "CREATE CONSTRAINT mrkg_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;",
        "CREATE CONSTRAINT mrkg_statement_id IF NOT EXISTS FOR (n:Statement) REQUIRE n.id IS UNIQUE;",
    ]
    for name in node_files:
        header, rows = files[name]
        if not rows:
            continue
        label = rows[0][-1].split(";")
        props = [_cypher_value(c) for c in header if c not in ("id:ID", ":LABEL")]
        lines += [f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row",
                  f"MERGE (n:{label[0]} {{id: row.`id:ID`}})",
                  "SET " + ", ".join(f"n.{p} = {e}" for p, e in props) + ";"]
        if label[0] == "Entity":
            lines += [f"MATCH (n:Entity) WHERE split(n.type, ':')[1] = '{t}' SET n:{t};"
                      for t in sorted({row[-1].split(";")[1] for row in rows})]
        else:
            lines.append(f"MATCH (n:Statement) WHERE n.type = '{rows[0][3]}' SET n:{label[1]};")
    for name in edge_files:
        header, rows = files[name]
        ends = ("Statement", "Entity") if name == NEO4J_LINKS else ("Entity", "Entity")
        props = [_cypher_value(c) for c in header if not c.startswith(":")]
        for rel in sorted({row[2] for row in rows}):
            lines += [f"LOAD CSV WITH HEADERS FROM 'file:///{name}' AS row",
                      f"WITH row WHERE row.`:TYPE` = '{rel}'",
                      f"MATCH (a:{ends[0]} {{id: row.`:START_ID`}}), (b:{ends[1]} {{id: row.`:END_ID`}})",
                      f"CREATE (a)-[r:{rel}]->(b)",
                      "SET " + ", ".join(f"r.{p} = {e}" for p, e in props) + ";"]
    return "\n".join(lines) + "\n"
