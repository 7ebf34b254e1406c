"""Exports: each format read back by its real consumer, with the graph's counts."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import tarfile
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef

from kg.errors import MRKGError
from kg.export import FORMATS, export, property_graph, subgraph
from kg.export.kgx import BIOLINK as BIOLINK_NS
from kg.export.kgx import biolink_category
from kg.export.statements import statement_kinds
from kg.paths import ONTOLOGY_DIR, STATIC_DIR
from kg.traverse import colour_of

RDF_TRIPLE_FORMATS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}
SUGAMMADEX = "https://w3id.org/mrkg/drug/sugammadex"


def merged_triples(graph) -> int:
    return int(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)


#: pyoxigraph's reader of each RDF export. The whole graph is read back with pyoxigraph (rdflib takes about
#: a minute per format at this size); rdflib reads every format in test_rdf_subgraph_holds_the_facts_about_its_entities.
OX_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD,
              "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dataset_formats_keep_every_quad(graph, tmp_path: Path, fmt: str) -> None:
    path = graph.export(fmt, tmp_path / f"g{FORMATS[fmt].suffix}")
    quads = list(ox.parse(path=str(path), format=OX_FORMATS[fmt]))
    assert sum(isinstance(q.graph_name, ox.NamedNode) for q in quads) == graph.store.quad_count()
    # the merge rides along in the default graph, for SPARQL servers
    assert sum(isinstance(q.graph_name, ox.DefaultGraph) for q in quads) == merged_triples(graph)
    store = ox.Store()
    store.load(path=str(path), format=OX_FORMATS[fmt])
    assert len(store) == graph.store.quad_count() + merged_triples(graph)


def test_nquads_round_trip_equals_build(graph, built: Path, tmp_path: Path) -> None:
    """`mrkg export --format nquads` gives the same quads as the build (same count in rdflib and pyoxigraph)."""
    path = graph.export("nquads", tmp_path / "graph.nq")
    exported = path.read_text().splitlines()
    original = [line for line in built.read_text().splitlines() if not line.startswith("#")]  # not its seal
    assert len(exported) == len(original)
    # blank nodes (OWL restrictions of the ontology) are relabelled on the way; everything else is identical
    assert sorted(line for line in exported if "_:" not in line) == sorted(line for line in original if "_:" not in line)


def test_jsonld_keeps_named_graphs(graph, tmp_path: Path) -> None:
    path = graph.export("jsonld", tmp_path / "g.jsonld")
    quads = list(ox.parse(path=str(path), format=OX_FORMATS["jsonld"]))
    assert sum(isinstance(q.graph_name, ox.NamedNode) for q in quads) == graph.store.quad_count()
    # the merge is the default graph, not a blank-node graph (as jsonld.js and pyld read rdflib's compacted file)
    assert sum(isinstance(q.graph_name, ox.DefaultGraph) for q in quads) == merged_triples(graph)
    assert not any(isinstance(q.graph_name, ox.BlankNode) for q in quads)
    assert path.read_text()[:200].startswith('{"@context": {')


def test_pyld_reads_the_jsonld_merge_as_the_default_graph(graph, tmp_path: Path) -> None:
    """pyld, the JSON-LD processor of Python, sees the merge in the default graph and every source's graph by its IRI
    (issue 14: a top-level @graph without @id was a blank-node graph to it); around sugammadex, as pyld is slow."""
    from pyld import jsonld

    path = export(graph.store, "jsonld", tmp_path / "s.jsonld", around=[SUGAMMADEX], depth=1, graph=graph.networkx)
    dataset = jsonld.to_rdf(json.loads(path.read_text()))
    expected = list(ox.parse(path=str(path), format=OX_FORMATS["jsonld"]))
    assert len(dataset["@default"]) == sum(isinstance(q.graph_name, ox.DefaultGraph) for q in expected) > 0
    assert all(name.startswith("https://w3id.org/mrkg/graph/") for name in dataset if name != "@default")
    assert sum(len(triples) for name, triples in dataset.items() if name != "@default") == sum(
        isinstance(q.graph_name, ox.NamedNode) for q in expected)


def test_igraph_reads_the_graphml(graph, tmp_path: Path) -> None:
    """igraph's GraphML reader (libxml2) loads the export with every node, edge and edge id (issue 14)."""
    import igraph

    held = property_graph(graph.store, subgraph(graph.networkx, [SUGAMMADEX], 2))
    path = export(graph.store, "graphml", tmp_path / "g.graphml", around=[SUGAMMADEX], depth=2, graph=graph.networkx)
    back = igraph.Graph.Read_GraphML(str(path))
    assert (back.vcount(), back.ecount()) == (held.number_of_nodes(), held.number_of_edges())
    assert len(set(back.es["edge_id"])) == back.ecount(), "every edge has an id of its own (igraph keeps it as edge_id)"
    assert "sugammadex" in back.vs["label"]


@pytest.mark.parametrize("fmt", list(RDF_TRIPLE_FORMATS))
def test_triple_formats_hold_the_merge(graph, tmp_path: Path, fmt: str) -> None:
    path = graph.export(fmt, tmp_path / f"g{FORMATS[fmt].suffix}")
    assert len(set(ox.parse(path=str(path), format=OX_FORMATS[fmt]))) == merged_triples(graph)


def test_graphml_reads_back_in_networkx(graph, tmp_path: Path) -> None:
    """Two steps around sugammadex: entities, statements and their qualifiers read back; every edge has an id of its own."""
    held = property_graph(graph.store, subgraph(graph.networkx, [SUGAMMADEX], 2))
    path = export(graph.store, "graphml", tmp_path / "g.graphml", around=[SUGAMMADEX], depth=2, graph=graph.networkx)
    back = nx.read_graphml(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (held.number_of_nodes(), held.number_of_edges())
    assert back.nodes[SUGAMMADEX]["label"] == "sugammadex" and back.nodes[SUGAMMADEX]["type"] == "mr:Drug"
    assert all(data["sources"] for _, _, data in back.edges(data=True))
    ids = re.findall(r'<edge [^>]*\bid="([^"]+)"', path.read_text())
    assert len(ids) == len(set(ids)) == back.number_of_edges(), "every edge has an id of its own"
    relations = {d["relation"] for _, _, d in back.edges(data=True)}
    assert {k for _, _, k in graph.networkx.edges(keys=True)} & relations >= {"mr:interactsWith", "mr:memberOf"}
    assert {"mr:Indication", "mr:InteractionSummary", "mr:participant"} <= relations
    indications = {(d["approvalStatus"], d["evidenceLevel"]) for u, v, d in back.edges(data=True)
                   if u == SUGAMMADEX and d["relation"] == "mr:Indication"}
    assert ("approved", "regulatory label") in indications


def test_export_errors(graph, tmp_path: Path) -> None:
    with pytest.raises(MRKGError, match="unknown export format 'gml'"):
        graph.export("gml", tmp_path / "x.gml")
    with pytest.raises(MRKGError, match="is a directory"):
        graph.export("turtle", tmp_path)


def test_failed_export_leaves_old_file(graph, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "g.ttl"
    target.write_text("old")

    def broken(store, path):
        path.write_text("half")
        raise OSError("disk full")

    monkeypatch.setitem(FORMATS, "turtle", FORMATS["turtle"].__class__(".ttl", False, "broken", broken))
    with pytest.raises(OSError):
        graph.export("turtle", target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


# --- entity formats: each read back by its consumer, with the projection's counts --------------

BACLOFEN = "https://w3id.org/mrkg/drug/baclofen"
#: KGX's CURIE rule (kgx.prefix_manager.PrefixManager.is_curie): prefix, colon, local part without '/', ':' or space.
KGX_CURIE = re.compile(r"^[^ <()>:]*:[^/ :]+$")
#: One field of a neo4j-admin import header: `name[:type][]`, or an id/label/type column.
NEO4J_FIELD = re.compile(r"^(\w+:ID|:ID|:LABEL|:START_ID|:END_ID|:TYPE|\w+(:(string|int|long|float|double|boolean)(\[\])?)?)$")


def read_csv(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def counts_graphml(path: Path) -> tuple[int, int]:
    g = nx.read_graphml(path)
    return g.number_of_nodes(), g.number_of_edges()


def counts_gexf(path: Path) -> tuple[int, int]:
    g = nx.read_gexf(path)
    return g.number_of_nodes(), g.number_of_edges()


def counts_cytoscape(path: Path) -> tuple[int, int]:
    g = nx.cytoscape_graph(json.loads(path.read_text()))
    return g.number_of_nodes(), g.number_of_edges()


def counts_csv(path: Path) -> tuple[int, int]:
    rows = read_csv(path.read_text())
    return len({r["source"] for r in rows} | {r["target"] for r in rows}), len(rows)


def counts_csv_nodes(path: Path) -> tuple[int, int]:
    return len(read_csv(path.read_text())), 0


def counts_neo4j(path: Path) -> tuple[int, int]:
    """Rows of the node files and of the relationship files (neo4j-admin's --nodes and --relationships)."""
    with zipfile.ZipFile(path) as archive:
        rows = {name: read_csv(archive.read(name).decode()) for name in archive.namelist() if name.endswith(".csv")}
    return (sum(len(r) for name, r in rows.items() if name.startswith("nodes")),
            sum(len(r) for name, r in rows.items() if name.startswith("relationships")))


def counts_kgx(path: Path) -> tuple[int, int]:
    with tarfile.open(path) as archive:
        nodes = read_csv(archive.extractfile("mrkg_nodes.tsv").read().decode(), "\t")
        edges = read_csv(archive.extractfile("mrkg_edges.tsv").read().decode(), "\t")
    return len(nodes), len(edges)


def counts_sssom(path: Path) -> tuple[int, int]:
    """(subjects, mappings) of the SSSOM table (test_graph_tools.py reads it with sssom-py)."""
    rows = read_csv("\n".join(line for line in path.read_text().splitlines() if not line.startswith("#")), "\t")
    return len({r["subject_id"] for r in rows}), len(rows)


def counts_dot(path: Path) -> tuple[int, int]:
    pydot = pytest.importorskip("pydot")
    with warnings.catch_warnings():  # pydot 4's parser still calls pyparsing's camelCase names
        warnings.simplefilter("ignore", DeprecationWarning)
        (dot,) = pydot.graph_from_dot_file(str(path))
    return len([n for n in dot.get_nodes() if n.get_name() not in ("node", "edge", "graph")]), len(dot.get_edges())


def counts_html(path: Path) -> tuple[int, int]:
    page = path.read_text()
    data = json.loads(re.search(r'<script id="mrkg-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    return len(data["elements"]["nodes"]), len(data["elements"]["edges"])


#: Entity format → a reader giving (nodes, edges) as the format's consumer sees them.
READERS = {"graphml": counts_graphml, "gexf": counts_gexf, "cytoscape": counts_cytoscape, "csv": counts_csv,
           "csv-nodes": counts_csv_nodes, "neo4j": counts_neo4j, "kgx": counts_kgx, "sssom": counts_sssom, "dot": counts_dot,
           "html": counts_html}
RDF_FORMATS = {"nquads": "nquads", "trig": "trig", "jsonld": "json-ld", "turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}


def expected(fmt: str, graph, entities: nx.MultiDiGraph) -> tuple[int, int]:
    """(nodes, edges) that ``fmt`` holds for ``entities``: the property graph (statements too), or the entities alone."""
    g = property_graph(graph.store, entities) if FORMATS[fmt].statements else entities
    if fmt == "kgx":
        return kgx_counts(g)
    if fmt == "sssom":
        records = g.graph["xref_records"]
        return len(records), sum(len(r) for r in records.values())
    if fmt == "csv-nodes":
        return g.number_of_nodes(), 0
    if fmt == "csv":  # an edge list only shows nodes that have an edge
        return len({n for n in g if g.degree(n)}), g.number_of_edges()
    return g.number_of_nodes(), g.number_of_edges()


def test_every_format_has_a_reader() -> None:
    """A new format needs a reader here (entity formats) or an RDF parser name (RDF formats).

    Each property-graph format's own test below compares the whole graph's counts; GraphML's and GEXF's (seconds each
    way at this size) and every format's on a subgraph in test_subgraph_exports_hold_exactly_the_subgraph."""
    assert set(FORMATS) == set(READERS) | set(RDF_FORMATS) | {"owl"}  # owl: test_owl_export_loads_in_owlready2
    assert {f for f, spec in FORMATS.items() if spec.projection} == set(READERS)


@pytest.fixture(scope="module")
def held(graph) -> nx.MultiDiGraph:
    """The whole property graph, as the property-graph formats hold it (each format's own test checks its counts)."""
    return property_graph(graph.store, graph.networkx)


def counts(g: nx.MultiDiGraph) -> tuple[int, int]:
    return g.number_of_nodes(), g.number_of_edges()


@pytest.mark.parametrize("fmt", list(READERS))
def test_subgraph_exports_hold_exactly_the_subgraph(graph, tmp_path: Path, fmt: str) -> None:
    """`--around sugammadex --depth 2`: the file holds the subgraph's nodes and edges (and its statements), no more.

    (Two steps around baclofen now reach most of the graph through its hundreds of interaction partners.)
    """
    sub = subgraph(graph.networkx, [SUGAMMADEX], 2)
    assert 0 < sub.number_of_edges() < graph.networkx.number_of_edges() / 5
    path = export(graph.store, fmt, tmp_path / f"s{FORMATS[fmt].suffix}", around=[SUGAMMADEX], depth=2, graph=graph.networkx)
    assert READERS[fmt](path) == expected(fmt, graph, sub)


def test_statements_reach_the_property_graph(graph, held) -> None:
    """Every statement kind of the ontology reaches the property graph, as a relationship (mr:edgeFrom/mr:edgeTo) or
    a node of its kind, with the fields its statements have; the entity edges stay as they were."""
    entities = graph.networkx
    kinds = {str(k).replace("https://w3id.org/mrkg/vocab/", "mr:") for k in graph.query(
        "SELECT ?k WHERE { ?k rdfs:subClassOf mr:Statement }").column("k")}
    as_nodes = Counter(d["type"] for _, d in held.nodes(data=True) if d["type"] in kinds)
    as_edges = Counter(d["predicate"].replace("https://w3id.org/mrkg/vocab/", "mr:") for _, _, d in held.edges(data=True)
                       if "statement" in d)
    counts = {k: graph.query(f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a {k} }}").scalar() for k in kinds}
    assert {k: int(n) for k, n in counts.items() if int(n)} == {**as_nodes, **as_edges}
    assert set(as_edges) == {"mr:Indication", "mr:InteractionSummary", "mr:AdverseEffectAssociation", "mr:TargetAction",
                             "mr:Contraindication"}
    assert {(u, v, k) for u, v, k in held.edges(keys=True) if (u, v, k) in entities.edges} == set(entities.edges(keys=True))
    cipro = held.edges["https://w3id.org/mrkg/drug/ciprofloxacin", "https://w3id.org/mrkg/drug/tizanidine",
                       "mrkg:interaction-summary/ciprofloxacin--tizanidine"]
    assert (cipro["severity"], cipro["evidenceLevel"], cipro["throughClass"]) == ("contraindicated", ["regulatory label"],
                                                                                  ["strong CYP1A2 inhibitors"])
    statement = held.nodes["https://w3id.org/mrkg/interaction/label-tizanidine-zanaflex-prior-ciprofloxacin"]
    assert statement["type"] == "mr:DrugInteraction" and statement["severity"] == "contraindicated"
    assert statement["sources"] == ["label-tizanidine-zanaflex-prior"] and statement["mechanismType"] == "pharmacokinetic"
    assert {v for _, v, k in held.out_edges(
        "https://w3id.org/mrkg/interaction/label-tizanidine-zanaflex-prior-ciprofloxacin", keys=True) if k == "mr:participant"} == {
        "https://w3id.org/mrkg/drug/ciprofloxacin", "https://w3id.org/mrkg/drug/tizanidine"}


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_rdf_subgraph_holds_the_facts_about_its_entities(graph, tmp_path: Path, fmt: str) -> None:
    """One step around sugammadex (52 entities; rdflib reads each format, so not baclofen's 344)."""
    anchor = "https://w3id.org/mrkg/drug/sugammadex"
    sub = subgraph(graph.networkx, [anchor], 1)
    path = export(graph.store, fmt, tmp_path / f"s{FORMATS[fmt].suffix}", around=[anchor], depth=1)
    parsed = Dataset(default_union=True)
    parsed.parse(path, format=RDF_FORMATS[fmt])
    triples = set(parsed.triples((None, None, None)))
    assert {str(s) for s, _, _ in triples} <= set(sub)
    links = {(str(s), str(p), str(o)) for s, p, o in triples if str(o) in sub and p != RDF.type}
    assert len(links) == sub.number_of_edges()
    outside = set(graph.networkx) - set(sub)
    assert not [o for _, _, o in triples if str(o) in outside], "no links to entities outside the subgraph"
    assert (URIRef(anchor), RDFS.label, Literal("sugammadex")) in triples
    if FORMATS[fmt].keeps_graphs:
        assert len([g for g in parsed.graphs() if len(g)]) > 3, "facts stay in their sources' named graphs"


def test_subgraph_depth_and_errors(graph) -> None:
    g = graph.networkx
    assert set(subgraph(g, [BACLOFEN], 0)) == {BACLOFEN}
    one = subgraph(g, [BACLOFEN], 1)
    assert set(one) == {BACLOFEN} | set(g.successors(BACLOFEN)) | set(g.predecessors(BACLOFEN))
    both = subgraph(g, [BACLOFEN, "https://w3id.org/mrkg/drug/tizanidine"], 1)
    assert set(one) < set(both)
    with pytest.raises(MRKGError, match="not an entity of the graph: https://w3id.org/mrkg/drug/nope"):
        subgraph(g, ["https://w3id.org/mrkg/drug/nope"], 1)


OTHER_CENTRAL = "https://w3id.org/mrkg/class/other-centrally-acting-agents"


def test_gexf_keeps_labels_types_and_sources(graph, tmp_path: Path) -> None:
    """Baclofen and one of its classes (depth 0): their edge, and baclofen's own statement nodes with their fields."""
    path = export(graph.store, "gexf", tmp_path / "g.gexf", around=[BACLOFEN, OTHER_CENTRAL], depth=0, graph=graph.networkx)
    back = nx.read_gexf(path)
    assert back.nodes[BACLOFEN]["label"] == "baclofen" and back.nodes[BACLOFEN]["type"] == "mr:Drug"
    drug_colour = colour_of(graph.networkx, "mr:Drug")  # the ontology's mr:colour of the kind, as the explorer draws it
    viz = back.nodes[BACLOFEN]["viz"]["color"]
    assert back.nodes[BACLOFEN]["colour"] == drug_colour == f"#{viz['r']:02x}{viz['g']:02x}{viz['b']:02x}"
    edge = next(d for u, v, d in back.edges(data=True) if (u, v) == (BACLOFEN, OTHER_CENTRAL))
    assert edge["label"] == "member of class" and edge["sources"] == "who-atc-ddd-2026"
    assert all(isinstance(d["sources"], str) and d["sources"] for _, _, d in back.edges(data=True))
    kinds = Counter(d["type"] for _, d in back.nodes(data=True))
    assert kinds["mr:Warning"] > 5 and kinds["mr:Product"] > 5 and kinds["mr:PharmacokineticValue"] > 0
    assert all(v == BACLOFEN for u, v in back.edges if u not in (BACLOFEN, OTHER_CENTRAL)), "statements link to baclofen"
    products = [d for _, d in back.nodes(data=True) if d["type"] == "mr:Product"]
    assert {"Gablofen", "Fleqsuvy"} <= {d.get("brandName") for d in products}
    assert all(d["dosageForm"] and d["administrationRoute"] and d["strengthUnit"] for d in products)


def test_cytoscape_json_keeps_names_and_sources(graph, tmp_path: Path) -> None:
    """Two steps around sugammadex, with names, sources and the indications' qualifiers."""
    path = export(graph.store, "cytoscape", tmp_path / "g.cyjs", around=[SUGAMMADEX], depth=2, graph=graph.networkx)
    held = property_graph(graph.store, subgraph(graph.networkx, [SUGAMMADEX], 2))
    assert counts_cytoscape(path) == counts(held)
    data = json.loads(path.read_text())
    sugammadex = next(n["data"] for n in data["elements"]["nodes"] if n["data"]["id"] == SUGAMMADEX)
    assert sugammadex["name"] == "sugammadex" and sugammadex["type"] == "mr:Drug"
    assert (sugammadex["kind"], sugammadex["colour"]) == ("drug", colour_of(graph.networkx, "mr:Drug"))
    assert len({(n["data"]["kind"], n["data"]["colour"]) for n in data["elements"]["nodes"]}) == \
        len({n["data"]["kind"] for n in data["elements"]["nodes"]}), "one colour per kind"
    assert "drugbank:DB06206" in sugammadex["xrefs"]
    assert all(e["data"]["sources"] and e["data"]["predicate"].startswith("https://w3id.org/mrkg/vocab/")
               for e in data["elements"]["edges"])
    indications = [e["data"] for e in data["elements"]["edges"] if e["data"]["predicate"].endswith("/Indication")]
    assert len(indications) == sum(1 for _, _, d in held.edges(data=True) if d["predicate"].endswith("/Indication")) > 0
    assert all(i["approvalStatus"] and i["evidenceLevel"] and i["statement"] for i in indications)


def test_csv_edge_and_node_lists(graph, tmp_path: Path) -> None:
    """Baclofen, one of its classes and spasticity (depth 0): every edge and node, the fields of every statement kind
    in the columns after the fixed ones."""
    around = [BACLOFEN, OTHER_CENTRAL, "https://w3id.org/mrkg/condition/spasticity"]
    held = property_graph(graph.store, subgraph(graph.networkx, around, 0))
    edges = read_csv(export(graph.store, "csv", tmp_path / "edges.csv", around=around, depth=0, graph=graph.networkx).read_text())
    nodes = read_csv(export(graph.store, "csv-nodes", tmp_path / "nodes.csv", around=around, depth=0, graph=graph.networkx).read_text())
    assert (len(nodes), len(edges)) == counts(held)
    assert list(edges[0])[:6] == ["source", "target", "predicate", "label", "sources", "statement"]
    assert {"severity", "approvalStatus", "contraindicationStrength", "frequency"} <= set(edges[0])
    assert list(nodes[0])[:4] == ["id", "label", "type", "type_label"]
    assert {"severityAsStated", "management", "warningTopic", "quantityValue", "brandName"} <= set(nodes[0])
    ids = {n["id"] for n in nodes}
    assert all(e["source"] in ids and e["target"] in ids and e["sources"] for e in edges)
    member = {"source": BACLOFEN, "target": OTHER_CENTRAL, "predicate": "mr:memberOf", "label": "member of class",
              "sources": "who-atc-ddd-2026"}
    assert any(member.items() <= e.items() for e in edges)
    spasticity = [e for e in edges if e["predicate"] == "mr:Indication" and e["target"].endswith("/spasticity")]
    assert {("baclofen", "intrathecal")} <= {(e["source"].rsplit("/", 1)[1], e["administrationRoute"]) for e in spasticity}


def test_neo4j_bulk_import_files(graph, held, tmp_path: Path) -> None:
    """Headers follow `neo4j-admin database import`; every relationship's ends are node ids; load.cypher loads every type."""
    path = graph.export("neo4j", tmp_path / "neo4j.zip")
    assert counts_neo4j(path) == counts(held)
    with zipfile.ZipFile(path) as archive:
        texts = {name: archive.read(name).decode() for name in archive.namelist()}
    cypher = texts.pop("load.cypher")
    assert {"nodes.csv", "relationships.csv", "relationships-statement-links.csv", "nodes-DrugInteraction.csv",
            "relationships-InteractionSummary.csv", "relationships-Indication.csv", "nodes-Warning.csv"} <= set(texts)
    for name, text in texts.items():
        header = next(csv.reader(io.StringIO(text)))
        assert all(NEO4J_FIELD.match(field) for field in header), (name, header)
    tables = {name: read_csv(text) for name, text in texts.items()}
    nodes = [row for name, rows in tables.items() if name.startswith("nodes") for row in rows]
    ids = {n["id:ID"] for n in nodes}
    assert len(ids) == len(nodes)
    edges = {name: rows for name, rows in tables.items() if name.startswith("relationships")}
    assert all(e[":START_ID"] in ids and e[":END_ID"] in ids for rows in edges.values() for e in rows)
    assert all(re.fullmatch(r"[A-Z][A-Z_]*", e[":TYPE"]) for rows in edges.values() for e in rows)
    assert all(e["sources:string[]"] for e in tables["relationships.csv"])
    baclofen = next(n for n in tables["nodes.csv"] if n["id:ID"] == "drug:baclofen")
    assert baclofen[":LABEL"] == "Entity;Drug" and baclofen["name"] == "baclofen"
    assert {n[":LABEL"] for n in tables["nodes-DrugInteraction.csv"]} == {"Statement;DrugInteraction"}
    summary = read_csv(texts["relationships-InteractionSummary.csv"])[0]
    assert {"severity", "disagreement:boolean", "evidenceLevel:string[]", "throughClass:string[]"} <= set(summary)
    assert "quantityValue:double" in tables["nodes-PharmacokineticValue.csv"][0]
    types = {(name, e[":TYPE"]) for name, rows in edges.items() for e in rows}
    for _, rel in types:
        assert f"CREATE (a)-[r:{rel}]->(b)" in cypher
    assert cypher.count("LOAD CSV WITH HEADERS") == len([t for t in tables if t.startswith("nodes")]) + len(types)


def kgx_counts(held: nx.MultiDiGraph) -> tuple[int, int]:
    """(nodes, edges) KGX holds of a property graph: entities and the statement nodes of a Biolink node category
    (products); entity edges among them, statement relationships, and statement nodes with a plain relation (interactions)."""
    kinds = statement_kinds(held)
    kept = {n for n, d in held.nodes(data=True) if d["type"] not in kinds or not biolink_category(d["type"]).endswith("Association")}
    edges = sum(1 for u, v in held.edges() if u in kept and v in kept)
    as_edges = sum(1 for n, d in held.nodes(data=True) if n not in kept and d["type"] in kinds and kinds[d["type"]].predicate
                   and all(v in kept for v in held.successors(n)) and _binary(held, n))
    return len(kept), edges + as_edges


def _binary(held: nx.MultiDiGraph, statement: str) -> bool:
    """Whether a statement has the two ends a KGX edge needs: a precipitant and an affected drug, or two participants
    (a three-way interaction, such as a label's pancuronium with tricyclic antidepressants under halothane, has none)."""
    keys = [key for _, _, key in held.out_edges(statement, keys=True)]
    return {"mr:precipitantDrug", "mr:affectedDrug"} <= set(keys) or len(
        {v for _, v, key in held.out_edges(statement, keys=True) if key == "mr:participant"}) == 2


def test_kgx_tables_follow_the_kgx_rules(graph, held, tmp_path: Path) -> None:
    """Biolink ids (the category's preferred prefix among the node's identifiers, else an MRKG id), xrefs, Biolink
    categories and predicates from ontology/mappings.ttl, qualifiers on statement edges, knowledge sources on every edge."""
    path = graph.export("kgx", tmp_path / "g.tar.gz")
    assert counts_kgx(path) == kgx_counts(held)
    with tarfile.open(path) as archive:
        nodes = read_csv(archive.extractfile("mrkg_nodes.tsv").read().decode(), "\t")
        edges = read_csv(archive.extractfile("mrkg_edges.tsv").read().decode(), "\t")
    mapped = {str(o).replace(BIOLINK_NS, "biolink:") for o in Graph().parse(ONTOLOGY_DIR / "mappings.ttl").objects()
              if str(o).startswith(BIOLINK_NS)} | {"biolink:NamedThing", "biolink:related_to", "biolink:Association"}
    assert {"id", "category", "name", "xref", "equivalent_identifiers"} <= set(nodes[0])
    assert {"subject", "predicate", "object", "primary_knowledge_source", "knowledge_level", "agent_type", "negated"} <= set(edges[0])
    ids = {n["id"] for n in nodes}
    assert all(KGX_CURIE.match(i) for i in ids) and len(ids) == len(nodes)
    assert not [i for i in ids if i.split(":")[0] in ("drug", "class", "target", "condition", "mechanism", "effect")], "no local prefixes"
    assert all(n["category"] in mapped and n["category"][8].isupper() for n in nodes)
    assert all(e["predicate"] in mapped and e["predicate"][8].islower() for e in edges)
    assert all(e["subject"] in ids and e["object"] in ids and KGX_CURIE.match(e["id"]) for e in edges)
    assert len({e["id"] for e in edges}) == len(edges)
    assert all(e["primary_knowledge_source"].startswith("infores:") and e["knowledge_level"] and e["agent_type"] for e in edges)
    by_iri = {n["iri"]: n for n in nodes}
    baclofen = by_iri[BACLOFEN]
    # the order biolink-model 4.4.6 prefers for biolink:Drug puts RXCUI before CHEBI and DRUGBANK (biolink-id-prefixes.tsv)
    assert (baclofen["id"], baclofen["category"]) == ("RXCUI:1292", "biolink:Drug")
    assert {"DRUGBANK:DB00181", "CHEBI:2972", "MESH:D001418", "UMLS:C0004609"} <= set(baclofen["xref"].split("|"))
    assert "RXCUI:1292" in baclofen["equivalent_identifiers"].split("|")
    cyp1a2 = by_iri["https://w3id.org/mrkg/target/cyp1a2"]
    assert (cyp1a2["id"], cyp1a2["category"]) == ("UniProtKB:P05177", "biolink:Protein")
    spasticity = by_iri["https://w3id.org/mrkg/condition/spasticity"]
    assert (spasticity["id"], spasticity["category"]) == ("HP:0001257", "biolink:PhenotypicFeature")  # mr:Symptom broadMatch
    mechanism = by_iri["https://w3id.org/mrkg/mechanism/gaba-b-receptor-agonism"]
    assert (mechanism["id"], mechanism["category"]) == ("MRKG.MECHANISM:gaba-b-receptor-agonism", "biolink:BiologicalProcessOrActivity")
    assert by_iri["https://w3id.org/mrkg/class/muscle-relaxants"]["category"] == "biolink:ChemicalEntity"
    assert {n["category"] for n in nodes} > {"biolink:Drug", "biolink:Protein", "biolink:Disease"}
    tizanidine = by_iri["https://w3id.org/mrkg/drug/tizanidine"]["id"]
    predicates = {(e["subject"], e["original_predicate"], e["object"]): e["predicate"] for e in edges}
    assert predicates[tizanidine, "mr:metabolisedBy", cyp1a2["id"]] == "biolink:is_substrate_of"
    assert predicates[baclofen["id"], "mr:hasTarget", "UniProtKB:Q9UBS5"] == "biolink:directly_physically_interacts_with"
    assert predicates[baclofen["id"], "mr:hasMechanism", mechanism["id"]] == "biolink:related_to"
    indications = [e for e in edges if e["subject"] == baclofen["id"] and e["object"] == spasticity["id"] and e["original_predicate"] == "mr:usedFor"]
    assert {(e["approvalStatus"], e["evidenceLevel"], e["administrationRoute"]) for e in indications} >= {("approved", "regulatory label", "intrathecal")}
    assert all(e["category"] == "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation" for e in indications)
    not_indicated = [e for e in edges if e["approvalStatus"] == "not indicated"]
    assert not_indicated and all(e["negated"] == "True" for e in not_indicated)
    assert all(e["negated"] == "" for e in edges if e["approvalStatus"] not in ("", "not indicated"))
    cipro = by_iri["https://w3id.org/mrkg/drug/ciprofloxacin"]["id"]
    summary = next(e for e in edges if e["id"] == "MRKG.INTERACTION-SUMMARY:ciprofloxacin--tizanidine")
    assert (summary["subject"], summary["object"], summary["predicate"]) == (cipro, tizanidine, "biolink:pharmacologically_interacts_with")
    assert (summary["severity"], summary["knowledge_level"], summary["agent_type"]) == ("contraindicated", "logical_entailment", "automated_agent")
    statement = next(e for e in edges if e["id"] == "MRKG.INTERACTION:label-tizanidine-zanaflex-prior-ciprofloxacin")
    assert (statement["subject"], statement["object"], statement["severity"]) == (cipro, tizanidine, "contraindicated")
    assert statement["primary_knowledge_source"] == "infores:label-tizanidine-zanaflex-prior"
    assert statement["supporting_text"] == "Concomitant use of ciprofoxacin and Zanaflex is contraindicated."  # sic, the label's typo
    products = [n for n in nodes if n["iri"].startswith("https://w3id.org/mrkg/product/")]
    assert products and all(n["category"] == "biolink:Drug" for n in products)
    assert any(e["predicate"] == "biolink:has_active_ingredient" and e["object"] == baclofen["id"] for e in edges)


def test_dot_reads_back_in_graphviz(graph, tmp_path: Path) -> None:
    """Graphviz's own `gc` counts the nodes and edges of the whole graph (skipped without Graphviz)."""
    gc = shutil.which("gc")
    if gc is None or not shutil.which("dot"):
        pytest.skip("Graphviz is not installed")
    path = graph.export("dot", tmp_path / "g.dot")
    fields = subprocess.run([gc, "-n", "-e", str(path)], capture_output=True, text=True, check=True).stdout.split()
    assert (int(fields[0]), int(fields[1])) == (graph.networkx.number_of_nodes(), graph.networkx.number_of_edges())


def test_html_embeds_the_data_and_the_library(graph, tmp_path: Path) -> None:
    page = graph.export("html", tmp_path / "g.html").read_text()
    assert (STATIC_DIR / "cytoscape.min.js").read_text() in page, "Cytoscape.js is inlined, so the page works offline"
    assert "<script src=" not in page and "https://cdn" not in page
    assert counts_html(tmp_path / "g.html") == (graph.networkx.number_of_nodes(), graph.networkx.number_of_edges())
    assert (STATIC_DIR / "cytoscape.LICENSE").is_file()


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed")
def test_html_view_renders_in_headless_chromium(graph, tmp_path: Path) -> None:
    """The page draws the subgraph: Cytoscape creates its canvases and counts the elements it drew."""
    path = export(graph.store, "html", tmp_path / "view.html", around=[BACLOFEN], depth=1, graph=graph.networkx)
    sub = subgraph(graph.networkx, [BACLOFEN], 1)
    done = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
                          capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert f'data-rendered-nodes="{sub.number_of_nodes()}"' in dom, done.stderr[-500:]
    assert f'data-rendered-edges="{sub.number_of_edges()}"' in dom
    assert dom.count("<canvas") >= 3


def test_owl_export_loads_in_owlready2(graph, tmp_path: Path) -> None:
    """The ontology export is OWL that owlready2 reads, with the vocabulary's classes."""
    owlready2 = pytest.importorskip("owlready2")
    path = graph.export("owl", tmp_path / "mrkg.owl")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    assert onto.search_one(iri="https://w3id.org/mrkg/vocab/DrugInteraction") is not None
    assert world.search_one(iri="https://w3id.org/mrkg/vocab/interactsWith") is not None
