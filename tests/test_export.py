"""Exports: each format read back by its real consumer, with the graph's counts."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.errors import MRKGError
from kg.export import FORMATS

RDF_TRIPLE_FORMATS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}


def merged_triples(graph) -> int:
    return int(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dataset_formats_keep_every_quad(graph, tmp_path: Path, fmt: str) -> None:
    path = graph.export(fmt, tmp_path / f"g{FORMATS[fmt].suffix}")
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    assert sum(len(g) for g in dataset.graphs()) == graph.store.quad_count()
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG)
    assert len(store) == graph.store.quad_count()


def test_nquads_round_trip_equals_build(graph, built: Path, tmp_path: Path) -> None:
    """`mrkg export --format nquads` gives the same quads as the build (same count in rdflib and pyoxigraph)."""
    path = graph.export("nquads", tmp_path / "graph.nq")
    exported, original = path.read_text().splitlines(), built.read_text().splitlines()
    assert len(exported) == len(original)
    # blank nodes (OWL restrictions of the ontology) are relabelled on the way; everything else is identical
    assert sorted(line for line in exported if "_:" not in line) == sorted(line for line in original if "_:" not in line)


def test_jsonld_keeps_named_graphs(graph, tmp_path: Path) -> None:
    path = graph.export("jsonld", tmp_path / "g.jsonld")
    dataset = Dataset()
    dataset.parse(path, format="json-ld")
    assert sum(len(g) for g in dataset.graphs()) == graph.store.quad_count()
    assert '"@context"' in path.read_text()[:200]


@pytest.mark.parametrize("fmt", list(RDF_TRIPLE_FORMATS))
def test_triple_formats_hold_the_merge(graph, tmp_path: Path, fmt: str) -> None:
    path = graph.export(fmt, tmp_path / f"g{FORMATS[fmt].suffix}")
    parsed = Graph()
    parsed.parse(path, format=RDF_TRIPLE_FORMATS[fmt])
    assert len(parsed) == merged_triples(graph)


def test_graphml_reads_back_in_networkx(graph, tmp_path: Path) -> None:
    path = graph.export("graphml", tmp_path / "g.graphml")
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == graph.networkx.number_of_nodes()
    assert back.number_of_edges() == graph.networkx.number_of_edges()
    baclofen = back.nodes["https://w3id.org/mrkg/drug/baclofen"]
    assert baclofen["label"] == "baclofen" and baclofen["type"] == "mr:Drug"
    assert all(data["sources"] for _, _, data in back.edges(data=True))


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
