"""Analytics on the real graph: similar drugs with their reasons, hubs, and Hetionet-style metapath counts.

Expected values were checked by hand against the curated tables in kg/data (cited per test).
"""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.analytics import FEATURES, betweenness, centrality, features, kinds_of, metapath_counts, parse_metapath, similar
from kg.errors import MRKGError

DRUG = "https://w3id.org/mrkg/drug/"
CYP1A2 = "https://w3id.org/mrkg/target/cyp1a2"


@pytest.mark.parametrize("drug", ["baclofen", "rocuronium", "ethanol"])
def test_the_plain_projection_answers_as_networkx_does(graph, drug: str) -> None:
    """similar and metapath read kg.traverse.Projection on the command line (no networkx import): the same answers."""
    iri = DRUG + drug
    assert similar(graph.projection, iri, limit=20) == similar(graph.networkx, iri, limit=20)
    for steps in ([("mr:metabolisedBy", "out"), ("mr:inhibits", "in")], [("mr:memberOf", "out"), ("mr:memberOf", "in")]):
        assert metapath_counts(graph.projection, iri, steps) == metapath_counts(graph.networkx, iri, steps)
    assert set(graph.projection.nodes()) == set(graph.networkx.nodes())
    assert sorted(graph.projection.edges()) == sorted(graph.networkx.edges(keys=True, data=True))


def test_baclofen_is_most_like_a_gaba_ergic_cns_depressant(graph) -> None:
    """Meprobamate shares baclofen's GABA-A agonism (drug_mechanisms.tsv) and the CNS-depressant class, but not
    the centrally acting muscle relaxants: ATC files meprobamate under N05BC01 (anxiolytics), so DrugCentral's MeSH
    listing of it there is mr:listedInClass, not a membership that similarity counts. Tizanidine comes level with it
    (0.197 both, tizanidine a hair ahead): its
    label counts it among the CNS depressants ("sedative effects of Zanaflex, alcohol, and other CNS depressants are
    additive"), and it shares baclofen's relaxant classes and uses."""
    top = similar(graph.networkx, DRUG + "baclofen", limit=5)
    assert {s.label for s in top[:2]} == {"meprobamate", "tizanidine"} and abs(top[0].score - top[1].score) < 0.01
    meprobamate = next(s for s in top if s.label == "meprobamate")
    assert meprobamate.shared["mechanism"] == ["GABA-A receptor agonism"]
    assert "central nervous system depressants" in meprobamate.shared["class"]
    assert "centrally acting muscle relaxants" not in meprobamate.shared["class"]
    assert all("centrally acting muscle relaxants" in s.shared.get("class", []) for s in top if s.label != "meprobamate"
               and s.label != "dantrolene")
    scores = [s.score for s in top]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


def test_diazepam_and_clonazepam_share_gaba_a_targets(graph) -> None:
    """Both benzodiazepines bind GABA-A alpha-1, beta-2, gamma-2 subunits (DrugBank 4, drug_targets.tsv)."""
    top = similar(graph.networkx, DRUG + "diazepam", limit=3)[0]
    assert top.label == "clonazepam"
    assert {"GABA-A receptor subunit alpha-1", "GABA-A receptor subunit gamma-2"} <= set(top.shared["target"])
    assert top.shared["class"] == ["benzodiazepines"]
    assert "target: GABA-A receptor subunit alpha-1" in top.explain()


def test_tizanidine_neighbours_through_cyp1a2(graph) -> None:
    """The CYP1A2 substrates of drug_targets.tsv (DrugBank 4; metaxalone from the SKELAXIN label, 12.3; tolperisone from
    the Swiss Tolperison Orion label, Pharmakokinetik) show up as sharing tizanidine's metabolising enzyme."""
    found = similar(graph.networkx, DRUG + "tizanidine", limit=100)
    via_cyp1a2 = {s.label for s in found if "Cytochrome P450 1A2" in s.shared.get("metabolising enzyme", [])}
    assert via_cyp1a2 == {"amiodarone", "chlorzoxazone", "cyclobenzaprine", "diazepam", "fluvoxamine", "metaxalone",
                          "naproxen", "quinine", "tolperisone", "verapamil"}
    # the closest two: baclofen (another antispasticity agent, See & Ginzburg 2008, with spasticity and multiple
    # sclerosis as uses) and cyclobenzaprine (the same ATC group and CYP1A2)
    assert [s.label for s in found[:2]] == ["baclofen", "cyclobenzaprine"]
    assert "antispasticity agents" in found[0].shared["class"]


def test_similarity_is_symmetric_and_needs_shared_features(graph) -> None:
    g = graph.networkx
    a = {s.iri: s.score for s in similar(g, DRUG + "baclofen", limit=100)}
    b = {s.iri: s.score for s in similar(g, DRUG + "tizanidine", limit=100)}
    assert a[DRUG + "tizanidine"] == b[DRUG + "baclofen"]
    assert DRUG + "baclofen" not in a
    assert all(features(g, iri) & features(g, DRUG + "baclofen") for iri in a)
    with pytest.raises(MRKGError, match="not an entity"):
        similar(g, DRUG + "nope")


def test_cyp3a4_is_the_target_hub(graph) -> None:
    """CYP3A4 metabolises or is inhibited by more drugs than any other protein (drug_targets.tsv)."""
    g = graph.networkx
    hubs = centrality(g, ["target"], limit=5)
    assert hubs[0].label == "Cytochrome P450 3A4" and hubs[0].kind == "target"
    top = hubs[0].iri
    assert hubs[0].degree == len(set(g.successors(top)) | set(g.predecessors(top)))
    assert [h.degree for h in hubs] == sorted((h.degree for h in hubs), reverse=True)


def test_centrality_kinds_and_rankings(graph) -> None:
    g = graph.networkx
    hubs = centrality(g, limit=50)
    assert {h.kind for h in hubs} <= {"mechanism", "target", "condition", "adverse effect"}
    assert all(g.nodes[h.iri]["type"] in kinds_of(g)[h.kind] for h in hubs)
    by_betweenness = centrality(g, ["condition"], limit=5, by="betweenness")
    assert [h.betweenness for h in by_betweenness] == sorted((h.betweenness for h in by_betweenness), reverse=True)
    with pytest.raises(MRKGError, match="unknown kind"):
        centrality(g, ["planet"])


def test_betweenness_on_a_graph_small_enough_to_check_by_hand() -> None:
    """A path a - hub - b plus c - hub: every shortest path between leaves runs through the hub (betweenness 1),
    whatever the direction and number of parallel edges; the leaves lie on none (0)."""
    small = nx.MultiDiGraph(kinds={"mr:Target": "target", "mr:Drug": "drug"})
    small.add_node("hub", label="hub", type="mr:Target")
    for leaf in ("a", "b", "c"):
        small.add_node(leaf, label=leaf, type="mr:Drug")
    small.add_edge("a", "hub", key="mr:hasTarget")
    small.add_edge("a", "hub", key="mr:inhibits")
    small.add_edge("hub", "b", key="mr:metabolises")
    small.add_edge("c", "hub", key="mr:hasTarget")
    hub = centrality(small, ["target"], by="betweenness")[0]
    assert (hub.label, hub.degree, hub.betweenness) == ("hub", 3, 1.0)
    assert {h.betweenness for h in centrality(small, ["drug"])} == {0.0}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40))
def test_betweenness_is_networkx_betweenness(edges: list[tuple[int, int]]) -> None:
    """rustworkx's betweenness (what hubs uses) equals networkx's on any simple graph, self-loops and islands too."""
    simple = nx.Graph(edges)
    simple.add_nodes_from(range(3))
    expected = nx.betweenness_centrality(simple)
    assert betweenness(simple) == pytest.approx(expected, abs=1e-12)


def test_betweenness_of_the_real_graph_is_networkx_betweenness(graph) -> None:
    simple = nx.Graph(graph.networkx.to_undirected(as_view=True))
    sample = nx.Graph(simple.subgraph(sorted(simple)[::3]))  # a third of the nodes: networkx needs 11 s for all
    assert betweenness(sample) == pytest.approx(nx.betweenness_centrality(sample), abs=1e-12)


def test_metapath_cyp1a2_inhibitors_of_tizanidine(graph) -> None:
    """tizanidine –metabolised by→ CYP1A2 ←inhibits– X: the CYP1A2 inhibitors of drug_targets.tsv (DrugBank 4)."""
    found = metapath_counts(graph.networkx, DRUG + "tizanidine", parse_metapath("metabolisedBy <inhibits"))
    assert {p.label: p.count for p in found} == {"amiodarone": 1, "cimetidine": 1, "ciprofloxacin": 1,
                                                "diazepam": 1, "fluvoxamine": 1}


def test_metapath_shared_indications_match_sparql(graph) -> None:
    """drug –indicated for→ condition ←indicated for– drug: the counts equal a SPARQL count over the store."""
    found = metapath_counts(graph.networkx, DRUG + "baclofen", [("mr:indicatedFor", "out"), ("mr:indicatedFor", "in")])
    rows = graph.query("""SELECT ?d (COUNT(DISTINCT ?c) AS ?n) WHERE {
        drug:baclofen mr:indicatedFor ?c . ?d mr:indicatedFor ?c . FILTER(?d != drug:baclofen) } GROUP BY ?d""").rows
    assert {p.iri: p.count for p in found} == {d.value: int(n.value) for d, n in rows}
    # only labels draw mr:indicatedFor: baclofen's labelled use is spasticity, which the Dantrium, Zanaflex and
    # BOTOX labels share
    assert {"dantrolene", "tizanidine", "botulinum toxin type A"} <= {p.label for p in found}
    assert DRUG + "baclofen" not in {p.iri for p in found}, "paths never come back to the source"


def test_parse_metapath_and_errors(graph) -> None:
    assert parse_metapath("indicatedFor <indicatedFor") == [("mr:indicatedFor", "out"), ("mr:indicatedFor", "in")]
    assert parse_metapath("mr:hasTarget>, <mr:hasTarget") == [("mr:hasTarget", "out"), ("mr:hasTarget", "in")]
    with pytest.raises(MRKGError):
        parse_metapath("  ")
    with pytest.raises(MRKGError, match="direction"):
        metapath_counts(graph.networkx, DRUG + "baclofen", [("mr:hasTarget", "sideways")])
    assert set(FEATURES) == {"target", "mechanism", "class", "condition", "adverse effect", "metabolising enzyme"}


def test_kinds_come_from_the_ontology(graph) -> None:
    """Kind names are the ontology's mr:kindName; a subclass takes its nearest ancestor's (a partner drug is not a drug
    for `similar`); the CLI offers exactly the kinds that have entities to rank."""
    from kg.cli import hubs

    known = kinds_of(graph.networkx)
    assert {"mr:Drug", "mr:Substance", "mr:HerbalProduct"} <= known["drug"] and "mr:PartnerDrug" in known["interaction partner"]
    assert {"mr:Receptor", "mr:Enzyme"} <= known["target"] and "mr:Disease" in known["condition"]
    choices = next(p for p in hubs.params if p.name == "kinds").type.choices
    assert set(choices) == set(known) - {"interaction partner"}

