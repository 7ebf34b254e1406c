"""OWL reasoning: the real graph is consistent, the expected facts are inferred, clashes are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from kg.build import build_to_file
from kg.reason import INFERRED_GRAPH, Inconsistent, java_available, reason

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
