"""The networkx projection: entities with labels and types, sourced edges, neighbourhoods and readable paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.traverse import PROJECTION_FILE, _project, format_path

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


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return (a.graph == b.graph and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
            and sorted(a.edges(keys=True, data=True)) == sorted(b.edges(keys=True, data=True)))


@pytest.mark.parametrize("damage", ["none", "truncated", "other version", "not json"])
def test_projection_is_kept_beside_the_prepared_store(mini_data: Path, tmp_path: Path, damage: str) -> None:
    """The first command writes the projection beside its prepared store; later ones read it, and a damaged file
    or one written by other code is computed and written again, never used."""
    from kg.build import build_to_file

    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    first = kg.load(path=path)
    saved = first.store.directory.parent / PROJECTION_FILE
    assert not saved.exists()
    fresh = first.networkx
    assert saved.is_file() and _same(fresh, _project(first.store))
    if damage == "truncated":
        saved.write_text(saved.read_text()[:100])
    elif damage == "other version":
        data = json.loads(saved.read_text())
        data["version"], data["data"]["nodes"] = "0" * 40, []
        saved.write_text(json.dumps(data))
    elif damage == "not json":
        saved.write_bytes(b"\x00\xff")
    again = kg.load(path=path).networkx
    assert _same(again, fresh) and again.number_of_nodes() > 10
    assert json.loads(saved.read_text())["data"]["nodes"], "the damaged file was written again"


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


@pytest.mark.parametrize("kwargs, message", [
    ({"relations": {"has targt"}}, "no relation 'has targt'; did you mean 'has target'"),
    ({"types": {"drugg"}}, "no type 'drugg'; did you mean 'drug'"),
    ({"relations": {"zzzz"}}, "no relation 'zzzz'; the relations are: acts on, "),
], ids=["relation", "type", "nothing-close"])
def test_a_relation_or_type_that_does_not_exist_is_named_with_the_closest(graph, kwargs: dict, message: str) -> None:
    """A misspelt relation or type gets the nearest names instead of an empty answer (issue 14)."""
    with pytest.raises(kg.QueryError, match=re.escape(message)):
        graph.neighbors("tizanidine", 1, kwargs.get("relations"), kwargs.get("types"))


def test_a_metapath_step_that_does_not_exist_is_named(graph) -> None:
    with pytest.raises(kg.QueryError, match=re.escape("no relation 'mr:inhibitz'; did you mean 'mr:inhibits'?")):
        graph.metapath("tizanidine", "metabolisedBy <inhibitz")


def _networkx_paths(g: nx.MultiDiGraph, start: str, end: str, max_length: int = 4, limit: int = 10) -> list[list[str]]:
    """The search as it was, on networkx alone: the oracle for the search without it."""
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(g.nodes))
    undirected.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in g.edges() if u != v}))
    if not nx.has_path(undirected, start, end):
        return []
    candidates: list[list[str]] = []
    for nodes in nx.shortest_simple_paths(undirected, start, end):
        if len(nodes) - 1 > max_length or len(candidates) >= max(limit, 300):
            break
        candidates.append(nodes)
    candidates.sort(key=lambda nodes: (len(nodes), sum(undirected.degree(n) for n in nodes[1:-1]), nodes))
    return candidates[:limit]


@pytest.mark.parametrize("start, end, max_length, limit", [
    ("drug/tizanidine", "drug/ciprofloxacin", 4, 10), ("drug/baclofen", "drug/ethanol", 3, 10),
    ("drug/rocuronium", "drug/sugammadex", 3, 10), ("drug/dantrolene", "condition/malignant-hyperthermia", 2, 10),
    ("drug/baclofen", "drug/tramadol", 2, 10), ("drug/hexafluronium", "drug/baclofen", 2, 10),
    ("drug/tizanidine", "drug/ciprofloxacin", 4, 100),  # more than 300 fit: networkx's order chooses
])
def test_paths_without_networkx_are_the_paths_networkx_finds(graph, start: str, end: str, max_length: int,
                                                             limit: int) -> None:
    """mrkg path searches the plain projection (no networkx import) and falls back to networkx's Yen order only when
    the shortest lengths that hold the answer hold more paths than networkx keeps; either way the answer is the one
    networkx gives."""
    from kg.traverse import _shortest_levels, _undirected, paths

    a, b = kg.iris.BASE + start, kg.iris.BASE + end
    found = [[steps[0].source] + [s.target for s in steps] for steps in paths(graph.projection, a, b, max_length, limit)]
    assert found == _networkx_paths(graph.networkx, a, b, max_length, limit)
    assert paths(graph.projection, a, b, max_length, limit) == paths(graph.networkx, a, b, max_length, limit)
    fast = _shortest_levels(_undirected(graph.projection), a, b, max_length, limit, max(limit, 300))
    assert (fast is None) == (limit == 100), "the cases cover both ways"
