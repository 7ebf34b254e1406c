"""The exports in their real tools: the Neo4j archive in an embedded Cypher engine (Kùzu), with Cypher answers equal
to the named SPARQL queries' answers; the KGX export in kgx's validator; the SSSOM export in sssom-py."""

from __future__ import annotations

import csv
import io
import json
import re
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from kg.export import export, subgraph
from kg.export.kgx import mrkg_prefixes
from kg.export.statements import statement_data
from kg.paths import ONTOLOGY_DIR

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
    kuzu = pytest.importorskip("kuzu", reason="kuzu (the test extra) loads the Neo4j export")
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
    # the export holds the statements all of whose entities are within its step of tizanidine or spasticity: the
    # opioids' CNS-depressant rows reach tizanidine through a class, but their effects (coma ...) lie further out
    inside = subgraph(graph.networkx, [TIZANIDINE, SPASTICITY], depth=1)
    links = {iri: entity_links for iri, _, _, entity_links in statement_data(graph.store)["statements"]}
    exported = {row for row in sparql if all(entity in inside for _, entity in links[row[6]])}
    assert len(answer) == len(exported) > 5 and len(sparql) > len(exported)
    assert answer == exported


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


# --- KGX: the real validator of the kgx package, offline ---------------------------------------


@pytest.fixture(scope="module")
def kgx_validator(monkeypatch_module):
    """kgx's Validator on the Biolink Model that the biolink-model package ships (the validators extra), offline.

    kgx and bmt would download the model, the predicate map and a JSON-LD context of prefixes from GitHub: the
    model comes from the package's biolink_model.yaml instead, the prefixes from its biolink-model-prefix-map.json
    plus MRKG's own (kg.export.kgx.mrkg_prefixes), and the predicate map (which validation does not use) is empty.
    """
    pytest.importorskip("kgx", reason="kgx is in the validators extra: pip install -e '.[validators]'")
    from importlib.resources import files

    import bmt.toolkit

    schema = files("biolink_model") / "schema"
    monkeypatch_module.setattr(bmt.toolkit.Toolkit.__init__, "__defaults__",
                               (str(schema / "biolink_model.yaml"), {"predicate mappings": []}))
    import kgx.config
    from kgx.validator import Validator

    prefixes = json.loads((files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json").read_text())

    def validate(nodes: Path, edges: Path) -> dict:
        ids = [row["id"] for path in (nodes, edges) for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t")]
        monkeypatch_module.setitem(kgx.config.jsonld_context_map, "biolink", {**prefixes, **mrkg_prefixes(ids)})
        from kgx.transformer import Transformer

        validator = Validator()
        assert validator.get_validation_model_version() == "4.4.6"
        Transformer(stream=True).transform(input_args={"filename": [str(nodes), str(edges)], "format": "tsv"},
                                           inspector=validator)
        return validator.get_errors()

    return validate


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def _unpack_kgx(archive: Path, directory: Path) -> tuple[Path, Path]:
    with tarfile.open(archive) as tar:
        tar.extractall(directory, filter="data")
    return directory / "mrkg_nodes.tsv", directory / "mrkg_edges.tsv"


def test_kgx_export_validates(graph, kgx_validator, tmp_path: Path) -> None:
    """kgx's validator finds no error in the KGX export one step around sugammadex (the whole graph: 0 errors too, where
    the export with local prefixes had 3,735), and does find the errors of a broken copy (so it did look)."""
    archive = export(graph.store, "kgx", tmp_path / "kgx.tar.gz", around=["https://w3id.org/mrkg/drug/sugammadex"], depth=1,
                     graph=graph.networkx)
    nodes, edges = _unpack_kgx(archive, tmp_path)
    assert kgx_validator(nodes, edges) == {}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "mrkg_nodes.tsv").write_text(nodes.read_text().replace("\tbiolink:Drug\t", "\tbiolink:Medicine\t", 1))
    (broken / "mrkg_edges.tsv").write_text(edges.read_text().replace("\tbiolink:pharmacologically_interacts_with\t",
                                                                     "\tbiolink:is_food_of\t", 1))
    errors = kgx_validator(broken / "mrkg_nodes.tsv", broken / "mrkg_edges.tsv")["ERROR"]
    assert set(errors) == {"INVALID_CATEGORY", "INVALID_EDGE_PREDICATE"}


def test_biolink_prefixes_follow_the_model() -> None:
    """ontology/biolink-id-prefixes.tsv holds biolink-model's preferred id prefixes per category, and every
    mr:biolinkPrefix of mrkg.ttl is a prefix of the Biolink prefix map."""
    pytest.importorskip("biolink_model", reason="biolink-model (with kgx, in the validators extra) ships the model's files")
    from importlib.resources import files

    from rdflib import Graph, Namespace

    package = files("biolink_model") / "prefixmaps"
    preferred = {c["class_name"]: list(dict.fromkeys(p["prefix"] for p in sorted(c["prefix_map"], key=lambda p: p["order"])))
                 for c in json.loads((package / "preferred_prefixes_per_class.json").read_text())["biolink_class_prefixes"]}
    lines = (ONTOLOGY_DIR / "biolink-id-prefixes.tsv").read_text().splitlines()
    rows = list(csv.DictReader((line for line in lines if not line.startswith("#")), delimiter="\t"))
    for row in rows:
        expected = preferred.get(row["category"]) or list(dict.fromkeys(preferred["biolink:Disease"] + preferred["biolink:PhenotypicFeature"]))
        assert row["prefixes"].split() == expected, row["category"]
    assert [r["category"] for r in rows if r["category"] not in preferred] == ["biolink:DiseaseOrPhenotypicFeature"]
    prefix_map = json.loads((package / "biolink-model-prefix-map.json").read_text())
    mr = Namespace("https://w3id.org/mrkg/vocab/")
    declared = {str(o) for o in Graph().parse(ONTOLOGY_DIR / "mrkg.ttl").objects(None, mr.biolinkPrefix)}
    assert len(declared) > 12 and declared <= set(prefix_map)


# --- SSSOM: sssom-py reads the cross-references ------------------------------------------------


def test_sssom_export_parses_in_sssom_py(graph, tmp_path: Path) -> None:
    """sssom-py reads the SSSOM export of the entities one step around sugammadex, with its metadata and curie_map, and
    gives back each cross-reference: subject, predicate, object and justification."""
    sssom = pytest.importorskip("sssom", reason="sssom-py is in the validators extra: pip install -e '.[validators]'")
    from sssom.parsers import parse_sssom_table

    path = export(graph.store, "sssom", tmp_path / "x.sssom.tsv", around=["https://w3id.org/mrkg/drug/sugammadex"],
                  depth=1, graph=graph.networkx)
    written = [row for row in csv.DictReader((line for line in path.read_text().splitlines() if not line.startswith("#")),
                                             delimiter="\t")]
    msdf = parse_sssom_table(path)
    assert sssom.__name__ and msdf.metadata["mapping_set_id"] == "https://w3id.org/mrkg/mappings/cross-references.sssom.tsv"
    assert msdf.converter.expand("drugbank:DB06206") == "https://bioregistry.io/drugbank:DB06206"
    assert msdf.converter.expand("MRKG.DRUG:sugammadex") == "https://w3id.org/mrkg/drug/sugammadex"
    parsed = {(r.subject_id, r.predicate_id, r.object_id, r.mapping_justification) for r in msdf.df.itertuples()}
    assert parsed == {(r["subject_id"], r["predicate_id"], r["object_id"], r["mapping_justification"]) for r in written}
    assert ("MRKG.DRUG:sugammadex", "skos:exactMatch", "drugbank:DB06206", "semapv:ManualMappingCuration") in parsed
    assert {j for *_, j in parsed} <= {"semapv:ManualMappingCuration", "semapv:LexicalMatching"}
    assert len(parsed) > 20
