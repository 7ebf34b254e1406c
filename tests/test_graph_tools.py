"""The property-graph exports in their real tools: the Neo4j archive in an embedded Cypher engine (Kùzu), with
Cypher answers equal to the named SPARQL queries' answers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from kg.export import export

kuzu = pytest.importorskip("kuzu", reason="kuzu (the test extra) loads the Neo4j export")

README = Path(__file__).resolve().parents[1] / "README.md"
TIZANIDINE = "https://w3id.org/mrkg/drug/tizanidine"
SPASTICITY = "https://w3id.org/mrkg/condition/spasticity"
#: Column types of a neo4j-admin header (``name:type``, ``name:type[]``) in Kùzu.
KUZU_TYPES = {"": "STRING", "ID": "STRING", "string": "STRING", "int": "INT64", "long": "INT64", "float": "DOUBLE", "double": "DOUBLE",
              "boolean": "BOOLEAN"}


def _column(column: str) -> tuple[str, str, bool]:
    """A neo4j-admin header column → (property name, Kùzu type, is a list)."""
    name, _, kind = column.partition(":")
    multiple = kind.endswith("[]")
    return name, KUZU_TYPES[kind.removesuffix("[]")] + ("[]" if multiple else ""), multiple


def _cells(header: list[str], row: list[str], columns: list[str]) -> list[str]:
    """The row's cells of ``columns``, a list cell (``a;b``, neo4j-admin's --array-delimiter) in Kùzu's ``[a,b]``."""
    cells = []
    for column in columns:
        value = row[header.index(column)]
        if _column(column)[2] and value:
            assert "," not in value, f"{column}: {value!r} would split in Kùzu's list syntax"
            value = "[" + ",".join(value.split(";")) + "]"
        cells.append(value)
    return cells


def load_neo4j_archive(archive: Path, directory: Path):
    """Load the neo4j-admin CSV files of ``archive`` into a new Kùzu database, as neo4j-admin reads them: node files
    (``id:ID``, typed properties, ``:LABEL``), relationship files (``:START_ID``, ``:END_ID``, ``:TYPE``, properties).

    Kùzu wants one table per node label and per relationship type (with its FROM/TO tables), so each file is split:
    a node file's table is its last label, a relationship table is named by ``:TYPE``.
    """
    connection = kuzu.Connection(kuzu.Database(str(directory / "db")))
    with zipfile.ZipFile(archive) as files:
        tables = {name: list(csv.reader(io.StringIO(files.read(name).decode("utf-8"))))
                  for name in files.namelist() if name.endswith(".csv")}
    table_of: dict[str, str] = {}

    def copy(table: str, rows: list[list[str]], pair: tuple[str, str] | None = None) -> None:
        path = directory / f"{table}-{len(list(directory.iterdir()))}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
        options = f", from='{pair[0]}', to='{pair[1]}'" if pair else ""
        connection.execute(f"COPY {table} FROM '{path}' (header=false{options})")

    for name, (header, *rows) in tables.items():
        if not name.startswith("nodes") or not rows:
            continue
        label = rows[0][header.index(":LABEL")].split(";")[0 if name == "nodes.csv" else -1]
        columns = [c for c in header if c not in ("id:ID", ":LABEL")]
        schema = ", ".join(f"{_column(c)[0]} {_column(c)[1]}" for c in columns)
        connection.execute(f"CREATE NODE TABLE {label}(id STRING PRIMARY KEY, {schema})")
        copy(label, [_cells(header, row, ["id:ID", *columns]) for row in rows])
        table_of.update((row[0], label) for row in rows)
    for name, (header, *rows) in tables.items():
        if not name.startswith("relationships"):
            continue
        columns = [c for c in header if not c.startswith(":")]
        by_type: dict[str, dict[tuple[str, str], list[list[str]]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            by_type[row[2]][table_of[row[0]], table_of[row[1]]].append([row[0], row[1], *_cells(header, row, columns)])
        for rel, pairs in by_type.items():
            schema = "".join(f", {_column(c)[0]} {_column(c)[1]}" for c in columns)
            connection.execute(f"CREATE REL TABLE {rel}({', '.join(f'FROM {a} TO {b}' for a, b in pairs)}{schema})")
            for pair, pair_rows in pairs.items():
                copy(rel, pair_rows, pair if len(pairs) > 1 else None)
    return connection


def cypher(connection, query: str, **params: str) -> list[tuple]:
    result = connection.execute(query, params)
    rows = []
    while result.has_next():
        rows.append(tuple(result.get_next()))
    return rows


@pytest.fixture(scope="module")
def kuzu_db(graph, tmp_path_factory: pytest.TempPathFactory):
    """The Neo4j export of the entities within one step of tizanidine and of spasticity, loaded into Kùzu."""
    directory = tmp_path_factory.mktemp("kuzu")
    archive = export(graph.store, "neo4j", directory / "mrkg-neo4j.zip", around=[TIZANIDINE, SPASTICITY], depth=1,
                     graph=graph.networkx)
    return load_neo4j_archive(archive, directory)


def _split(text: str | None) -> frozenset[str]:
    return frozenset(part for part in (text or "").split("; ") if part)


def readme_cypher(title: str) -> str:
    """The README's Cypher block whose first line is ``// {title}``."""
    blocks = re.findall(r"```cypher\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    found = [block for block in blocks if block.startswith(f"// {title}\n")]
    assert len(found) == 1, f"the README has no Cypher example '{title}'"
    return found[0]


def test_cypher_major_interactions_equal_sparql(graph, kuzu_db) -> None:
    """Major interactions of tizanidine: the README's Cypher over the pair summaries, row for row interaction-summary.rq."""
    sparql = {(r["partner"], r["severity"], _split(r["evidence"]), r["disagreement"], _split(r["through"]))
              for r in graph.query("interaction-summary", drug="tizanidine").dicts() if r["severity"] == "major"}
    rows = cypher(kuzu_db, readme_cypher("major interactions of tizanidine (interaction-summary.rq)"))
    answer = {(name, severity, frozenset(evidence), str(disagreement).lower(), frozenset(through or []))
              for name, severity, evidence, disagreement, through in rows}
    assert len(rows) == len(answer) == len(sparql) > 20
    assert answer == sparql


def test_cypher_interaction_statements_equal_sparql(graph, kuzu_db) -> None:
    """Each source's major statement about tizanidine (drug-interactions.rq), a class it belongs to included."""
    sparql = {(r["partner"], r["stated"], r["evidence"], r["mechanism"], r["management"], r["matchedAs"], r["interaction"],
               _split(r["sources"])) for r in graph.query("drug-interactions", drug="tizanidine").dicts() if r["severity"] == "major"}
    rows = cypher(kuzu_db, """
        MATCH (d:Entity {id: $drug})
        OPTIONAL MATCH (d)-[:MEMBER_OF]->(:Entity)-[:PARENT_CLASS*0..10]->(c:Entity)
        WITH d, list_concat(collect(DISTINCT c.id), [d.id]) AS selves
        MATCH (self:Entity)<-[:PARTICIPANT]-(i:DrugInteraction)-[:PARTICIPANT]->(other:Entity)
        WHERE list_contains(selves, self.id) AND other.id <> self.id AND other.id <> d.id AND i.severity = 'major'
        RETURN other.name, i.severityAsStated, i.evidenceLevel, i.mechanismType, i.management, self.name, i.iri, i.sources""",
                  drug="drug:tizanidine")
    answer = {(*row[:7], frozenset(row[7])) for row in rows}
    assert len(answer) == len(sparql) > 5
    assert answer == sparql


def test_cypher_drugs_for_spasticity_equal_sparql(graph, kuzu_db) -> None:
    """Drugs for spasticity: the README's Cypher over the indication relationships, drugs-for-condition.rq's rows."""
    sparql = {(r["drug"], r["status"], r["evidence"], r["route"], r["population"], _split(r["sources"]))
              for r in graph.query("drugs-for-condition", condition="spasticity").dicts()}
    rows = cypher(kuzu_db, readme_cypher("drugs for spasticity (drugs-for-condition.rq)"))
    grouped: dict[tuple, set[str]] = defaultdict(set)  # the SPARQL query groups the sources of equal rows
    for *key, sources in rows:
        grouped[tuple(key)] |= set(sources)
    assert {(*key, frozenset(sources)) for key, sources in grouped.items()} == sparql
    assert len(sparql) > 10
