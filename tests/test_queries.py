"""The query library: headers, bound parameters, real answers, and the same answers on both engines."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.errors import EntityNotFound, QueryError
from kg.query import load_library, parse_named_query

LIBRARY = load_library()
NAMES = sorted(LIBRARY)


def example_params(name: str) -> dict[str, str]:
    """The parameters of a query's header example (``--param k=v`` pairs)."""
    return LIBRARY[name].example_params


def normalised(result) -> list[tuple]:
    """Rows as sortable tuples; GROUP_CONCAT lists are sorted, since SPARQL leaves their order open."""
    def term(t):
        if t is None:
            return ("unbound", "", "", "")
        value = "; ".join(sorted(t.value.split("; "))) if t.kind == "literal" else t.value
        return (t.kind, value, t.datatype or "", t.lang or "")
    return sorted(tuple(term(t) for t in row) for row in result.rows)


def test_library_covers_the_competency_questions() -> None:
    questions = " ".join(q.question for q in LIBRARY.values())
    for cq in ("CQ1.", "CQ2.", "CQ3.", "CQ4.", "CQ5.", "CQ6.", "CQ8.", "CQ9.", "CQ10.", "CQ13.", "CQ14."):
        assert cq in questions, f"no named query answers {cq}"
    assert {"drugs-for-condition", "drug-interactions"} <= set(LIBRARY)
    assert LIBRARY["drugs-for-condition"].params[0].name == "condition"
    assert LIBRARY["drug-interactions"].params[0].name == "drug"


@pytest.mark.parametrize("name", NAMES)
def test_header_example_runs_and_returns_rows(built: Path, name: str) -> None:
    """Every query's header example is a working command that returns at least one row (on the run's one build)."""
    words = shlex.split(LIBRARY[name].example)
    assert words[:3] == ["mrkg", "query", name]
    result = CliRunner().invoke(main, words[1:] + ["--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) >= 2, f"{name} example returned no rows"


#: Queries rdflib needs 6-80 s for on the real graph (it scans every named graph for GRAPH ?g), where Oxigraph needs
#: at most a second: the two engines are compared on the fixture graph, which exercises the same SPARQL, with parameters
#: naming its entities (the header examples name real drugs). stats-sourcing reads the build's statistics
#: (tests/test_statistics.py runs its old live computation on both engines there).
ON_FIXTURE_GRAPH = {
    "article-only-facts": {},
    "claims-vs-reference": {"assessment": "supported"},
    "label-coverage": {},
    "stats-labels": {},
    "find-by-name": {"name": "brandy"},
    "interaction-summary": {"drug": "Drug A", "other": "drug-b"},
}


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ON_FIXTURE_GRAPH])
def test_engines_agree(graph, rdflib_graph, name: str) -> None:
    """The fast engine and rdflib give identical rows for every named query."""
    params = example_params(name)
    assert normalised(graph.query(name, **params)) == normalised(rdflib_graph.query(name, **params))


@pytest.fixture(scope="module")
def fixture_graphs(tmp_path_factory: pytest.TempPathFactory):
    """The fixture graph (tests/resources/mini) on both engines."""
    import kg
    from conftest import MINI
    from kg.build import build_to_file

    path = tmp_path_factory.mktemp("mini") / "mini.nq"
    build_to_file(path, MINI)
    return kg.load(engine="oxigraph", path=path), kg.load(engine="rdflib", path=path)


@pytest.mark.parametrize("name", sorted(ON_FIXTURE_GRAPH))
def test_engines_agree_on_the_fixture_graph(fixture_graphs, name: str) -> None:
    """The queries too slow on rdflib at full size give identical, non-empty rows on both engines (fixture graph)."""
    oxigraph, reference = fixture_graphs
    rows = normalised(oxigraph.query(name, **ON_FIXTURE_GRAPH[name]))
    assert rows and rows == normalised(reference.query(name, **ON_FIXTURE_GRAPH[name]))


def test_interactions_of_baclofen(graph, severity_order) -> None:
    """Baclofen interacts with alcohol: DDInter says moderate, the ANSM thesaurus 'not recommended' (major)."""
    rows = graph.query("drug-interactions", drug="baclofen").dicts()
    ethanol = {r["severity"]: r["sources"] for r in rows if r["partner"] == "ethanol"}
    assert ethanol == {"major": "ansm-thesaurus-2016", "moderate": "ddinter-2023"}
    ranks = severity_order
    assert [ranks.index(r["severity"]) for r in rows] == sorted(ranks.index(r["severity"]) for r in rows)
    assert graph.query("drug-interactions", drug="Lioresal").rows == graph.query("drug-interactions", drug="baclofen").rows


def test_interactions_through_a_class(graph) -> None:
    """A class-level interaction (baclofen with CNS depressants) reaches a member of the class."""
    rows = graph.query("interactions-between", drug="tizanidine", other="ciprofloxacin").dicts()
    assert rows and rows[0]["severity"] in ("contraindicated", "major")


def test_drugs_for_spasticity(graph) -> None:
    drugs = set(graph.query("drugs-for-condition", condition="spasticity").column("drug"))
    assert {"baclofen", "tizanidine", "dantrolene"} <= drugs


def test_centrally_acting_class_includes_subclasses(graph) -> None:
    """ATC M03B membership is stated for the level-4 groups (M03BX, M03BA); the query climbs the hierarchy."""
    rows = graph.query("drugs-in-class", **{"class": "centrally acting muscle relaxants"}).dicts()
    drugs = {r["drugLabel"] for r in rows}
    assert {"baclofen", "tizanidine", "cyclobenzaprine", "methocarbamol"} <= drugs
    assert "tramadol" not in drugs and "morphine" not in drugs


def test_mechanism_of_baclofen(graph) -> None:
    rows = graph.query("drug-mechanism", drug="baclofen").dicts()
    gaba_b = [r for r in rows if r["mechanism"] == "GABA-B receptor agonism"]
    assert gaba_b and "GABA-B receptor subunit 1" in gaba_b[0]["targets"]


def test_tizanidine_is_a_cyp1a2_substrate(graph) -> None:
    rows = graph.query("drug-targets", drug="tizanidine").dicts()
    assert any(r["relation"] == "metabolised by" and r["gene"] == "CYP1A2" for r in rows)


def test_brand_lookup(graph) -> None:
    rows = graph.query("find-by-name", name="lioresal").dicts()
    assert [(r["label"], r["matchedAs"]) for r in rows] == [("baclofen", "brand")]


def test_contradicted_claims_are_visible(graph) -> None:
    """The article's 'opioids are muscle relaxants' claim is held as a contradicted claim, not as a fact."""
    rows = graph.query("claims-vs-reference", assessment="contradicted").dicts()
    tramadol = [r for r in rows if r["subject"] == "tramadol" and r["object"] == "muscle relaxants"]
    assert tramadol and tramadol[0]["inReference"] == "no"
    assert "muscle relaxant" in tramadol[0]["quote"]
    assert not graph.query("ASK { drug:tramadol mr:memberOf class:muscle-relaxants }").boolean


def test_supported_claims_usually_match_reference(graph) -> None:
    rows = graph.query("claims-vs-reference", assessment="supported").dicts()
    matched = [r for r in rows if r["inReference"] == "yes"]
    assert len(matched) >= len(rows) // 2, "most supported claims should be stated by a reference graph"


def test_renal_warning_for_baclofen(graph) -> None:
    rows = graph.query("drug-warnings", topic="renal-impairment").dicts()
    assert "baclofen" in {r["drugLabel"] for r in rows}


# --- parameters: bound, checked, never pasted -------------------------------------------------------

def test_missing_and_extra_parameters(graph) -> None:
    with pytest.raises(QueryError, match="needs the parameter drug") as missing:
        graph.query("drug-interactions")
    assert missing.value.option == "params"  # the CLI names it --param; no front's spelling in the message
    assert "--" not in str(missing.value)
    with pytest.raises(QueryError, match="has no parameter colour"):
        graph.query("drug-interactions", drug="baclofen", colour="red")


def test_unknown_name_suggests(graph) -> None:
    with pytest.raises(EntityNotFound, match="did you mean 'baclofen'"):
        graph.query("drug-interactions", drug="baclofn")


def test_wrong_type_is_refused(graph) -> None:
    with pytest.raises(EntityNotFound, match="no Condition named 'baclofen'"):
        graph.query("drugs-for-condition", condition="baclofen")


INJECTIONS = ['baclofen" } ; DROP ALL ; #', "baclofen' || true", "?drug", "} UNION { ?s ?p ?o }",
              "<https://w3id.org/mrkg/drug/baclofen> } #", 'x" . ?s ?p ?o . FILTER("1"="1']


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_entity_parameter_is_refused(graph, value: str) -> None:
    with pytest.raises(EntityNotFound):
        graph.query("drug-interactions", drug=value)


def test_entity_names_ignore_case_and_surrounding_space(graph) -> None:
    assert graph.resolve("  BACLOFEN\n") == graph.resolve("baclofen") == "https://w3id.org/mrkg/drug/baclofen"


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_string_parameter_matches_nothing(graph, value: str) -> None:
    assert graph.query("find-by-name", name=value).rows == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=40))
def test_any_string_parameter_is_data(graph, value: str) -> None:
    """Whatever the text, a string parameter is a literal: it matches a name or nothing, never changes the query."""
    rows = graph.query("find-by-name", name=value).dicts()
    assert all(r["name"] == value for r in rows)
    assert all(r["entity"].startswith("https://w3id.org/mrkg/") for r in rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_any_entity_parameter_resolves_or_is_refused(graph, value: str) -> None:
    """An entity parameter either names a real drug or fails cleanly with EntityNotFound."""
    try:
        rows = graph.query("drug-uses", drug=value).dicts()
    except EntityNotFound:
        return
    assert all(r["drug"].startswith("https://w3id.org/mrkg/drug/") for r in rows)


def test_header_checks(tmp_path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: x\n# question: y\n# example: mrkg query bad\n# param: drug (Drug) d\nSELECT ?x WHERE { ?drug ?p ?x }\n")
    with pytest.raises(QueryError, match="must appear in the SELECT clause"):
        parse_named_query(bad)
    bad.write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="header lacks title, question, example"):
        parse_named_query(bad)
    bad.write_text("# title: x\n# question: y\n# example: e\n# param: drug (Colour) d\nSELECT ?drug WHERE { ?drug ?p ?x }\n")
    with pytest.raises(QueryError, match="unknown type 'Colour'"):
        parse_named_query(bad)


def test_syntax_error_is_a_query_error(graph, rdflib_graph) -> None:
    for g in (graph, rdflib_graph):
        with pytest.raises(QueryError, match="SPARQL syntax error|query failed"):
            g.query("SELECT ?x WHERE { ?x ?y }")


def test_rdflib_errors_of_the_query_are_clean_and_our_bugs_keep_their_traceback(rdflib_graph, monkeypatch) -> None:
    """A bad query is a QueryError; an error in our own code is not turned into "query failed"; rdflib's
    aggregates are patched only while one of our queries runs."""
    from rdflib.plugins.sparql import aggregates

    from kg.errors import QueryError
    from kg.store import RdflibStore

    original = aggregates.Accumulator.use_row
    with pytest.raises(QueryError, match="query failed on rdflib"):
        rdflib_graph.store.query("SELECT ?x WHERE { ?x nosuchprefix:p ?y }")
    with pytest.raises(QueryError, match="query failed on rdflib"):
        rdflib_graph.store.query("SELECT ?x WHERE { ?x ")
    assert rdflib_graph.query("ASK { drug:baclofen ?p ?o }").boolean
    assert aggregates.Accumulator.use_row is original

    def broken(term):  # stands for a bug in our conversion code
        raise TypeError("a bug")

    monkeypatch.setattr(RdflibStore, "_from_rdflib", staticmethod(broken))
    with pytest.raises(TypeError, match="a bug"):
        rdflib_graph.store.query("SELECT ?l WHERE { drug:baclofen rdfs:label ?l }")


def test_engines_agree_on_a_summary_with_many_deciding_statements(graph, rdflib_graph) -> None:
    """(Here, not in test_interactions.py: one worker loads the rdflib graph.) Four labels decide cyclobenzaprine + phenelzine; nested OPTIONALs once lost their mechanism on Oxigraph only."""
    fast, reference = (g.interaction_summary("cyclobenzaprine", "phenelzine").dicts()[0] for g in (graph, rdflib_graph))
    assert {k: sorted(v.split("; ")) for k, v in fast.items() if v} == {k: sorted(v.split("; ")) for k, v in reference.items() if v}


def test_predictions_for_one_pair_are_that_pair_of_the_drugs_list(graph, rdflib_graph) -> None:
    """mrkg check binds both ends of predicted-interactions; the pair's rows must be the partner's rows of the list."""
    for g in (graph, rdflib_graph):
        listed = [r for r in g.query("predicted-interactions", drug="tizanidine").dicts()
                  if r["other"] == "https://w3id.org/mrkg/drug/ciprofloxacin"]
        pair = g.query("predicted-interactions", drug="tizanidine", other="ciprofloxacin").dicts()
        assert pair and sorted(map(sorted, map(dict.items, pair))) == sorted(map(sorted, map(dict.items, listed)))


def test_name_table_is_kept_beside_the_prepared_store(mini_data, tmp_path) -> None:
    """The resolver's names are read once from a prepared store and kept beside it; a kept table answers as the
    store does, and one written by other code is not used."""
    import json

    import kg
    from kg.build import build_to_file
    from kg.query import NAMES_FILE, Resolver

    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    graph = kg.load(path=path)
    kept = graph.store.directory.parent / NAMES_FILE
    assert graph.resolver.resolve("brandy", "Substance") == "https://w3id.org/mrkg/drug/drug-a" and kept.is_file()
    assert Resolver(kg.load(path=path).store).names == Resolver._table(graph.store)[0]
    data = json.loads(kept.read_text())
    data["version"], data["data"][0]["brandy"] = "0" * 40, {"https://w3id.org/mrkg/drug/drug-b": 0}
    kept.write_text(json.dumps(data))
    assert kg.load(path=path).resolver.resolve("Brandy", "Substance") == "https://w3id.org/mrkg/drug/drug-a"
    with pytest.raises(EntityNotFound, match="no Substance named 'whisky'"):
        kg.load(path=path).resolver.resolve("whisky", "Substance")
