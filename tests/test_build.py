"""The build: named graphs with provenance, and bad input that stops it with file, line and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from conftest import append, replace
from kg import iris
from kg.build import TABLES, build_dataset, build_to_file
from kg.build.statistics import STATISTICS_GRAPH
from kg.errors import DataError
from kg.vocab import MR


def quads_of(path: Path) -> list:
    """The quads of a built file, read with pyoxigraph (rdflib takes tens of seconds at this size)."""
    import pyoxigraph as ox

    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def test_one_named_graph_per_source(built: Path) -> None:
    import pyoxigraph as ox

    quads = quads_of(built)
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    sources = {q.subject.value for q in quads if q.predicate.value == str(MR.graph)
               and q.graph_name == ox.NamedNode(iris.SOURCES_GRAPH)}
    assert iris.ONTOLOGY_GRAPH in graphs and iris.SOURCES_GRAPH in graphs
    assert graphs - {iris.ONTOLOGY_GRAPH, iris.SOURCES_GRAPH, STATISTICS_GRAPH} <= {iris.graph_iri(s.rsplit("/", 1)[1])
                                                                                 for s in sources}
    assert STATISTICS_GRAPH in graphs  # the build's own figures (kg/build/statistics.py), no source's statements
    assert iris.graph_iri("seed-article-kidney") in graphs and iris.graph_iri("who-atc-ddd-2026") in graphs
    assert iris.graph_iri("mrkg-interaction-summaries") in graphs


def test_default_graph_is_the_merge_of_the_named_graphs(built: Path) -> None:
    """The file carries the RDF merge in its default graph: every fact once, so plain SPARQL servers agree with MRKG."""
    import pyoxigraph as ox

    quads = quads_of(built)
    named = {ox.Triple(q.subject, q.predicate, q.object) for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    default = {ox.Triple(q.subject, q.predicate, q.object) for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
    assert len(named) > 10_000
    assert default == named


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.nq"
    build_to_file(again)
    assert again.read_bytes() == built.read_bytes()


def test_statement_nodes_cite_sources(graph) -> None:
    """Every indication, interaction, warning, product and claim names at least one source."""
    rows = graph.query("""
        SELECT ?node WHERE { ?node a ?t . ?t rdfs:subClassOf* ?root .
          VALUES ?root { mr:Statement mr:Claim mr:Evidence }
          FILTER NOT EXISTS { ?node dcterms:source ?s } }""").rows
    assert rows == []


def test_says_who(graph) -> None:
    """A SPARQL user can ask which source states a fact, with its title and licence."""
    rows = graph.query("""
        SELECT ?title ?licence WHERE { GRAPH ?g { drug:baclofen mr:atcCode "M03BX01" }
          ?source mr:graph ?g ; dcterms:title ?title ; dcterms:rights ?licence }""").dicts()
    assert rows and "ATC" in rows[0]["title"]


# --- bad input ------------------------------------------------------------------------------------



BREAKAGES = {
    "unknown entity": (lambda d: append(d, "class_membership.tsv", "drug-z", "top-class", "ref-a", ""),
                       "class_membership.tsv:3", "unknown entity 'drug-z'"),
    "unknown source": (lambda d: append(d, "class_membership.tsv", "drug-b", "top-class", "ref-zz", ""),
                       "class_membership.tsv:3", "unknown source 'ref-zz'"),
    "duplicate id across tables": (lambda d: append(d, "conditions.tsv", "drug-a", "Drug A", "disease", "", "ref-a", ""),
                                   "conditions.tsv:3", "duplicate id 'drug-a'"),
    "duplicate source": (lambda d: append(d, "sources.tsv", "ref-a", "database", "Again", "", "", "", "CC0", "yes", ""),
                         "sources.tsv:5", "duplicate source id"),
    "missing cell": (lambda d: append(d, "names.tsv", "drug-a", "Another", "brand", "ref-a"),
                     "names.tsv:4", "4 cells where the header has 6"),
    "wrong header": (lambda d: replace(d, "drugs.tsv", "id\tlabel\tkind", "id\tname\tkind"),
                     "drugs.tsv:1", "header does not match"),
    "empty file": (lambda d: (d / "targets.tsv").write_text(""), "targets.tsv", "file is empty"),
    "missing file": (lambda d: (d / "warnings.tsv").unlink(), "warnings.tsv", "file is missing"),
    "wrong encoding": (lambda d: (d / "names.tsv").write_bytes((d / "names.tsv").read_bytes() + b"drug-a\tBacl\xf6fen\tsynonym\t\tref-a\t\n"),
                       "names.tsv:4", "not valid UTF-8"),
    "bad controlled value": (lambda d: replace(d, "interactions.tsv", "\tddinter-major\t", "\tsevere\t"),
                             "interactions.tsv:2", "'severe' is not allowed in column 'level'"),
    "bad name language": (lambda d: append(d, "names.tsv", "drug-a", "Baclofène", "synonym", "French", "ref-a", ""),
                          "names.tsv:4", "not a language tag"),
    # names.kind chooses among the name properties of mrkg.ttl (mr:nameKind)
    "unknown name kind": (lambda d: append(d, "names.tsv", "drug-a", "Baccy", "nickname", "", "ref-a", ""),
                          "names.tsv:4", "'nickname' is not allowed in column 'kind'; allowed: abbreviation, brand, synonym"),
    "bad action date": (lambda d: replace(d, "regulatory_actions.tsv", "\t2001-05\t", "\tMay 2001\t"),
                        "regulatory_actions.tsv:2", "'May 2001' in column 'date' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
    "bad identifier": (lambda d: append(d, "identifiers.tsv", "drug-a", "chebi", "CHEBI:2972", "ref-a", ""),
                       "identifiers.tsv:3", "not a valid chebi identifier"),
    "unknown scheme": (lambda d: append(d, "identifiers.tsv", "drug-a", "wikidata", "Q1", "ref-a", ""),
                       "identifiers.tsv:3", "unknown identifier scheme 'wikidata'"),
    "wrong entity kind": (lambda d: append(d, "indications.tsv", "drug-a", "sleepy", "approved", "", "", "", "", "", "", "", "ref-a", ""),
                          "indications.tsv:3", "is a adverse effect"),
    "bad id": (lambda d: append(d, "drugs.tsv", "Drug C", "Drug C", "drug", "", "ref-a", ""),
               "drugs.tsv:5", "is not an id"),
    "class cycle": (lambda d: replace(d, "drug_classes.tsv", "top-class\tTop class\t\t", "top-class\tTop class\tsub-class\t"),
                    "drug_classes.tsv", "cycle"),
    "self interaction": (lambda d: append(d, "interactions.tsv", "a-a", "drug-a;drug-a", "", "", "ddinter-minor", "", "", "", "", "", "",
                                          "", "ref-a", ""), "interactions.tsv:3", "two different participants"),
    "claim with wrong object column": (lambda d: append(d, "claims.tsv", "x-009", "article-x", "q", "drug-a", "eliminated-by",
                                                        "renal", "", "supported", "", ""), "claims.tsv:5", "object_value"),
    "duplicate interaction id": (lambda d: append(d, "interactions.tsv", "a-b", "drug-a;drug-b", "", "", "ddinter-minor", "", "", "", "",
                                                  "", "", "", "ref-a", ""), "interactions.tsv:3", "duplicate interaction"),
    "non-numeric strength": (lambda d: replace(d, "products.tsv", "\t10\tmg\t", "\tten\tmg\t"),
                             "products.tsv:2", "not a number"),
    # label_boxes.tsv: a reading says yes or no, and rests on a label (not a database)
    "box reading without yes or no": (lambda d: replace(d, "label_boxes.tsv", "drug-a\tno\t", "drug-a\tnone\t"),
                                      "label_boxes.tsv:2", "'none' is not allowed in column 'boxed'; allowed: yes, no"),
    "box reading of a database": (lambda d: replace(d, "label_boxes.tsv", "\tlabel-a\t", "\tref-a\t"),
                                  "label_boxes.tsv:2", "'ref-a' is not a label"),
    "huge file": (lambda d: (d / "names.tsv").write_bytes(b"x" * (21 * 1024 * 1024)), "names.tsv", "over the"),
    # issue 15: a 17 MB cell once made a build whose N-Quads line Oxigraph could not read
    "over-long cell": (lambda d: append(d, "drugs.tsv", "drug-c", "Drug C", "drug", "x" * 17_000_000, "ref-a", ""),
                       "drugs.tsv:5", "column 'description' holds 17,000,000 characters, over the 100,000"),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
def test_bad_input_stops_build_and_keeps_old_output(mini_data: Path, tmp_path: Path, breakage: str) -> None:
    """Each broken copy fails with one error naming file, line and entry; the previous output stays."""
    output = tmp_path / "out.nq"
    build_to_file(output, mini_data)
    before = output.read_bytes()
    damage, where, message = BREAKAGES[breakage]
    damage(mini_data)
    with pytest.raises(DataError) as info:
        build_to_file(output, mini_data)
    text = str(info.value)
    assert where in text and message in text, text
    assert "\n" not in text
    assert output.read_bytes() == before
    assert not list(tmp_path.glob(".out.nq.*")), "a temporary file was left behind"


def test_mini_tables_cover_every_table() -> None:
    from conftest import MINI

    assert {p.name for p in MINI.glob("*.tsv")} == set(TABLES)


def test_real_data_error_points_at_real_file(real_data: Path) -> None:
    replace(real_data, "drug_targets.tsv", "\tcyp1a2\t", "\tcyp1a9\t")
    with pytest.raises(DataError, match=r"drug_targets\.tsv:\d+ \[.*\]: unknown entity 'cyp1a9'.*did you mean 'cyp1a2'"):
        build_dataset(real_data)


# --- licence-aware build ------------------------------------------------------------------------------

@pytest.mark.parametrize("strict, allowed", [(False, {"yes", "unknown"}), (True, {"yes"})], ids=["open-only", "strict"])
def test_open_only_build_keeps_redistributable_sources(built: Path, tmp_path: Path, strict: bool, allowed: set) -> None:
    """Facts whose only sources forbid commercial reuse (SIDER, DrugBank 4, WHO ATC, ...) are left out."""
    import kg
    from kg.build import build_open

    path = tmp_path / "open.nq"
    count, withheld = build_open(path, strict=strict)
    graph = kg.load(path=path)
    rows = graph.query("""SELECT DISTINCT ?g ?use WHERE { GRAPH ?g { ?s ?p ?o }
        OPTIONAL { ?source mr:graph ?g ; mr:commercialUse ?use } }""").dicts()
    uses = {r["use"] for r in rows if r["g"] not in (iris.ONTOLOGY_GRAPH, iris.SOURCES_GRAPH, STATISTICS_GRAPH)}
    assert uses <= allowed, uses
    assert iris.graph_iri("sider-4-1") not in {r["g"] for r in rows}
    assert withheld["drug_adverse_effects.tsv"] > 0 and count < kg.load(path=built).store.quad_count()
    # a fact with an open second source survives: baclofen's DrugBank id comes from the CC0 vocabulary
    assert graph.query('ASK { drug:baclofen mr:drugbankId "DB00181" }').boolean
    if strict:
        assert not graph.query("ASK { ?c a mr:Claim }").boolean, "article claims rest on unknown-licence articles"


FACT = "<https://w3id.org/mrkg/drug/x> <http://www.w3.org/2000/01/rdf-schema#label> \"X\""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_fact_in_two_sources_counts_once_without_graph(tmp_path: Path, engine: str) -> None:
    """A file with no default graph (from elsewhere) gets the RDF merge: each triple once, as in rdflib's union."""
    path = tmp_path / "foreign.nq"
    path.write_text(f"{FACT} <https://example.org/g1> .\n{FACT} <https://example.org/g2> .\n")
    graph = kg.load(path=path, engine=engine)
    assert graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value == "1"
    assert graph.store.quad_count() == 2


def test_a_foreign_file_beside_an_mrkg_file_joins_the_merge(built: Path, tmp_path: Path) -> None:
    """Loading MRKG's file (merge included) with a file that has none still sees the second file without GRAPH."""
    from kg.store import OxigraphStore

    foreign = tmp_path / "foreign.nq"
    foreign.write_text(f"{FACT} <https://example.org/g1> .\n")
    store = OxigraphStore(built, foreign)
    assert store.query(f"ASK {{ {FACT} }}").boolean
    assert store.query("ASK { drug:baclofen mr:memberOf ?class }").boolean
