"""The networkx projection: entities with labels and types, sourced edges, neighbourhoods and readable paths."""

from __future__ import annotations

import pytest

from kg.traverse import format_path

BACLOFEN = "https://w3id.org/mrkg/drug/baclofen"
CYP1A2 = "https://w3id.org/mrkg/target/cyp1a2"


def test_projection_keeps_labels_types_and_sources(graph) -> None:
    g = graph.networkx
    assert g.nodes[BACLOFEN]["label"] == "baclofen"
    assert g.nodes[BACLOFEN]["type"] == "mr:Drug"
    edge = g.edges[BACLOFEN, "https://w3id.org/mrkg/class/other-centrally-acting-agents", "mr:memberOf"]
    assert edge["label"] == "member of class" and edge["sources"] == ["who-atc-ddd-2026"]
    assert all(data["sources"] for _, _, data in g.edges(data=True)), "every edge names its sources"


def test_projection_leaves_out_types_claims_and_statements(graph) -> None:
    g = graph.networkx
    assert not [k for _, _, k in g.edges(keys=True) if k == "rdf:type"]
    assert not [n for n in g if "/claim/" in n or "/interaction/" in n or "/vocab/" in n]


def test_path_explains_the_cyp1a2_route(graph) -> None:
    """Tizanidine is a CYP1A2 substrate and ciprofloxacin a CYP1A2 inhibitor (DrugBank 4)."""
    chains = [format_path(graph.networkx, steps) for steps in graph.paths("tizanidine", "ciprofloxacin")]
    assert "tizanidine —metabolised by→ Cytochrome P450 1A2 ←inhibits— ciprofloxacin" in chains
    assert chains[0] == "tizanidine —interacts with→ ciprofloxacin"
    lengths = [len(steps) for steps in graph.paths("tizanidine", "ciprofloxacin")]
    assert lengths == sorted(lengths)


def test_path_limits(graph) -> None:
    assert len(graph.paths("baclofen", "naproxen", max_length=4, limit=3)) <= 3
    assert all(len(p) <= 2 for p in graph.paths("baclofen", "tizanidine", max_length=2))
    assert graph.paths("baclofen", "baclofen") == []


def test_neighbors(graph) -> None:
    near = graph.neighbors("baclofen", depth=1)
    assert near[BACLOFEN] == 0
    assert near["https://w3id.org/mrkg/drug/ethanol"] == 1
    assert near["https://w3id.org/mrkg/target/gabbr1"] == 1
    two = graph.neighbors("baclofen", depth=2)
    assert set(near) < set(two) and max(two.values()) == 2


def test_neighbors_filtered_by_relation_and_type(graph) -> None:
    targets = graph.neighbors("tizanidine", depth=1, relations={"metabolised by"})
    assert set(targets) == {"https://w3id.org/mrkg/drug/tizanidine", CYP1A2}
    drugs = graph.neighbors("baclofen", depth=1, types={"Drug"})
    assert all("/drug/" in iri for iri in drugs)


def test_unknown_entity(graph) -> None:
    from kg.errors import EntityNotFound

    with pytest.raises(EntityNotFound):
        graph.neighbors("no such drug")
