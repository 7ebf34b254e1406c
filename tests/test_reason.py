"""OWL reasoning: the real graph is consistent, the expected facts are inferred, clashes are named, and the rules
that reason over the data (kg/rules.py) give what HermiT gives over the whole ABox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from kg.build import build_to_file
from kg.iris import BASE, VOCAB
from kg.reason import INFERRED_GRAPH, Inconsistent, java_available, ontology_graph, reason
from kg.rules import Unsupported, asserted_tree, consequences

MR = "https://w3id.org/mrkg/vocab/"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
REASONERS = [pytest.param(True, id="hermit", marks=pytest.mark.skipif(not java_available(), reason="no Java")),
             pytest.param(False, id="owlrl")]


@pytest.fixture(scope="module", params=REASONERS)
def reasoned(request, built: Path, tmp_path_factory) -> tuple[kg.KnowledgeGraph, object]:
    path = tmp_path_factory.mktemp("reasoned") / "mrkg.nq"
    shutil.copy(built, path)
    graph = kg.load(path=path)
    return graph, reason(graph.store, path, use_hermit=request.param)


@pytest.mark.parametrize("entity, cls", [
    ("drug/tizanidine", "InhibitableSubstrate"),   # CYP1A2 substrate; ciprofloxacin and fluvoxamine inhibit CYP1A2
    ("drug/baclofen", "CNSDepressant"),            # DrugCentral: ChEBI role CNS depressant
    ("drug/dantrolene", "MuscleRelaxant"),         # ATC M03CA01, via M03C → M03 (property chain)
])
def test_expected_inferences(reasoned, entity: str, cls: str) -> None:
    _, report = reasoned
    assert (f"https://w3id.org/mrkg/{entity}", TYPE, MR + cls) in report.inferred


def test_no_node_changes_kind(reasoned) -> None:
    """A domain or range that a table misuses shows up as an inferred statement type (e.g. a metabolic
    conversion inferred to be a drug interaction because it uses mr:viaTarget); there must be none."""
    _, report = reasoned
    kinds = {"Indication", "DrugInteraction", "Warning", "Product", "AdverseEffectAssociation", "TargetAction",
             "Metabolism", "Claim", "Evidence"}
    wrong = [(s, o) for s, p, o in report.inferred if p == TYPE and o.removeprefix(MR) in kinds]
    assert not wrong


def test_inferred_graph_is_separate_and_marked(reasoned) -> None:
    graph, report = reasoned
    assert report.output.is_file() and report.seconds > 0
    plain = kg.load(path=graph.path)
    both = kg.load(path=graph.path, inferred=True)
    ask = "ASK { drug:tizanidine a mr:InhibitableSubstrate }"
    assert not plain.query(ask).boolean and both.query(ask).boolean
    rows = both.query(f"SELECT ?title WHERE {{ ?s mr:graph <{INFERRED_GRAPH}> ; dcterms:title ?title }}").dicts()
    assert rows and "inferred" in rows[0]["title"].lower()
    asserted_only = both.query(f"""ASK {{ GRAPH ?g {{ drug:tizanidine a mr:InhibitableSubstrate }}
                                      FILTER(?g != <{INFERRED_GRAPH}>) }}""")
    assert not asserted_only.boolean


@pytest.mark.parametrize("use_hermit", REASONERS)
def test_inconsistency_names_the_entity(mini_data: Path, tmp_path: Path, use_hermit: bool) -> None:
    """A drug that is also a condition breaks the disjointness axiom; the error names it (fixture graph, for speed)."""
    path = tmp_path / "bad.nq"
    build_to_file(path, mini_data)
    bad = f"<https://w3id.org/mrkg/drug/drug-a> <{TYPE}> <{MR}Condition>"
    with path.open("a") as out:  # the fact in a source's graph and in the file's merge (its default graph)
        out.write(f"{bad} <https://w3id.org/mrkg/graph/ref-a> .\n{bad} .\n")
    graph = kg.load(path=path)
    with pytest.raises(Inconsistent, match="drug:drug-a is both mr:Condition and mr:Substance"):
        reason(graph.store, path, use_hermit=use_hermit)
    assert not (tmp_path / "bad.inferred.nq").exists()


def test_inferred_needs_reasoning_first(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "fresh.nq"
    shutil.copy(built, path)
    with pytest.raises(kg.QueryError, match="run 'mrkg reason' first"):
        kg.load(path=path, inferred=True)


def test_inferred_types_leave_the_projection_unchanged(reasoned, graph) -> None:
    """With the inferred graph, baclofen is also an mr:CNSDepressant; the projection still gives every node its asserted
    type, so `similar` compares the same drugs (it once dropped baclofen: the inferred class became its type). Scores
    may move, as inferred edges (class memberships through the ATC chain) are features too."""
    reasoned_graph, _ = reasoned
    inferred = kg.load(path=reasoned_graph.path, inferred=True)
    assert inferred.query("ASK { drug:baclofen a mr:CNSDepressant }").boolean
    types = {n: d["type"] for n, d in graph.networkx.nodes(data=True)}
    assert {n: d["type"] for n, d in inferred.networkx.nodes(data=True)} == types
    assert "baclofen" in {s.label for s in inferred.similar("tizanidine", limit=50)}


#: Facts beside the fixture tables that exercise every rule: a class chain into muscle-relaxants (transitive
#: parentClass, the memberOf chain, a hasValue definition), a membership stated by the inverse property, an
#: entity typed only by a property's domain (and so a muscle relaxant through the chain), and the fixture's substrate of an inhibited enzyme (someValuesFrom).
EXERCISE = [("class/top-class", "parentClass", "class/muscle-relaxants"), ("class/muscle-relaxants", TYPE, "DrugClass"),
            ("class/cns-depressants", TYPE, "DrugClass"), ("class/cns-depressants", "hasMember", "drug/alcohol-x"),
            ("drug/untyped-x", "memberOf", "class/sub-class")]


def _iri(name: str) -> str:
    return name if name.startswith("http") else (BASE + name if "/" in name else VOCAB + name)


def _hermit_over_the_abox(path: Path) -> set[tuple[str, str, str]]:
    """What HermiT infers over the whole dataset (ontology and data), as the reasoner did before kg/rules.py."""
    import owlready2

    nt = path.with_suffix(".nt")
    kg.load(path=path).store.dump(nt, "ntriples")
    world = owlready2.World()
    world.get_ontology(nt.as_uri()).load()
    with world.get_ontology(INFERRED_GRAPH):
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    graph = world.as_rdflib_graph().get_context(world.get_ontology(INFERRED_GRAPH))
    return {(str(s), str(p), str(o)) for s, p, o in graph if str(s).startswith(BASE) and not str(s).startswith(VOCAB)
            and (str(o).startswith(VOCAB) if str(p) == TYPE else str(p).startswith(VOCAB))}


@pytest.mark.skipif(not java_available(), reason="no Java: HermiT cannot run")
def test_rules_give_what_hermit_gives_over_the_whole_abox(mini_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "exercise.nq"
    build_to_file(path, mini_data)
    with path.open("a") as out:  # each fact in a source's graph and in the file's merge
        for s, p, o in EXERCISE:
            fact = f"<{_iri(s)}> <{_iri(p)}> <{_iri(o)}>"
            out.write(f"{fact} <https://w3id.org/mrkg/graph/ref-a> .\n{fact} .\n")
    store = kg.load(path=path).store
    ontology = ontology_graph(store)
    by_rules = set(consequences(store, ontology, asserted_tree(ontology)).facts)
    # The same types and the same transitive links. HermiT also lists memberOf values through the property chain and
    # their hasMember inverses; the rules leave those to the queries' property paths (memberOf/parentClass*), as the
    # inferred graph of the real graph never held them.
    chained = {VOCAB + "memberOf", VOCAB + "hasMember"}
    assert by_rules == {fact for fact in _hermit_over_the_abox(path) if fact[1] not in chained}
    for entity, cls in [("drug/drug-a", "MuscleRelaxant"), ("drug/drug-a", "InhibitableSubstrate"),
                        ("drug/alcohol-x", "CNSDepressant"), ("drug/untyped-x", "MuscleRelaxant")]:
        assert (_iri(entity), TYPE, _iri(cls)) in by_rules
    assert (_iri("class/sub-class"), _iri("parentClass"), _iri("class/muscle-relaxants")) in by_rules


def test_an_axiom_without_a_rule_is_refused(graph) -> None:
    from rdflib import OWL, RDF, URIRef

    ontology = ontology_graph(graph.store)
    ontology.add((URIRef(VOCAB + "drug"), RDF.type, OWL.FunctionalProperty))
    with pytest.raises(Unsupported, match="owl:FunctionalProperty, which kg/rules.py has no rule for"):
        consequences(graph.store, ontology, asserted_tree(ontology))


def test_a_range_clash_names_the_entity(mini_data: Path, tmp_path: Path) -> None:
    """A condition used as a class member's class breaks memberOf's range (DrugClass) against Condition."""
    path = tmp_path / "bad.nq"
    build_to_file(path, mini_data)
    conditions = kg.load(path=path).query("SELECT ?c WHERE { ?c a/rdfs:subClassOf* mr:Condition } LIMIT 1").column("c")
    bad = f"<{_iri('drug/drug-b')}> <{VOCAB}memberOf> <{conditions[0]}>"
    with path.open("a") as out:
        out.write(f"{bad} <https://w3id.org/mrkg/graph/ref-a> .\n{bad} .\n")
    with pytest.raises(Inconsistent, match=r"condition:\S+ is both mr:Condition and mr:DrugClass"):
        reason(kg.load(path=path).store, path, use_hermit=False)
