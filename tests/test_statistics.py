"""The statistics graph: the figures the build computes equal what the graph holds, counted live.

``queries/qc/statistics-out-of-date.rq`` is the live computation that ``stats-sourcing`` ran before the build
computed the measures; it lists every measure whose stored figure differs, so "no rows" is the agreement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.build.statistics import DATASET, STATISTICS_GRAPH, compute_statistics, statistics_lines
from kg.paths import QUERIES_DIR

LIVE = (QUERIES_DIR / "qc" / "statistics-out-of-date.rq").read_text(encoding="utf-8")
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture graph (tests/resources/mini), built."""
    from conftest import MINI
    from kg.build import build_to_file

    path = tmp_path_factory.mktemp("mini") / "mini.nq"
    build_to_file(path, MINI)
    return path


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_fixture_statistics_equal_the_live_computation(mini: Path, engine: str) -> None:
    """On the fixture graph both engines, counting live, find what the build wrote."""
    graph = kg.load(engine=engine, path=mini)
    assert graph.store.query(LIVE).rows == []
    rows = {r["measure"]: (int(r["count"]), int(r["of"])) for r in graph.query("stats-sourcing").dicts()}
    assert rows["drugs with a DrugBank id"] == (1, 2) and rows["facts resting only on web articles"][0] > 0


def test_real_statistics_equal_the_live_computation(graph) -> None:
    """On the real graph too; and void:triples is the default graph's size, this graph's own triples included."""
    assert graph.store.query(LIVE).rows == []
    said = graph.store.query(f"SELECT ?n WHERE {{ <{DATASET}> <{VOID}triples> ?n }}").scalar()
    assert int(said) == int(graph.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").scalar())


def test_real_subsets_count_each_sources_graph(graph) -> None:
    """Each source's void:subset holds the number of triples of its graph."""
    stored = {s.value: int(n.value) for s, n in graph.store.query(f"""SELECT ?source ?n WHERE {{
        <{DATASET}> <{VOID}subset> ?subset . ?subset <http://purl.org/dc/terms/source> ?source ; <{VOID}triples> ?n }}""").rows}
    live = {s.value: int(n.value) for s, n in graph.store.query("""SELECT ?source (COUNT(*) AS ?n) WHERE {
        ?source mr:graph ?g . GRAPH ?g { ?s ?p ?o } } GROUP BY ?source""").rows}
    assert stored == {**dict.fromkeys(stored, 0), **live} and len(stored) > 50


def test_a_stale_figure_is_caught(mini: Path, tmp_path: Path) -> None:
    """A figure that no longer matches (a hand-edited file) is named by the QC query, with both numbers."""
    node = f"{DATASET}/sourcing/drugs-atc"
    path = tmp_path / "stale.nq"
    path.write_text(mini.read_text(encoding="utf-8").replace(
        f'<{node}> <https://w3id.org/mrkg/vocab/measureCount> "0"', f'<{node}> <https://w3id.org/mrkg/vocab/measureCount> "7"'),
        encoding="utf-8")
    rows = kg.load(path=path).store.query(LIVE).dicts()
    assert [r["entity"] for r in rows] == [node]
    assert "say 7 of 2" in rows[0]["problem"] and "holds 0 of 2" in rows[0]["problem"]


def _quad(s: str, p: str, o: str, g: str) -> tuple[str, str, str, str]:
    mr = "https://w3id.org/mrkg/"
    term = lambda t: t if t.startswith('"') else f"<{t}>" if t.startswith("http") else f"<{mr}{t}>"  # noqa: E731
    return term(s), term(p), term(o), f"<{mr}graph/{g}>"


def test_measures_follow_the_definitions() -> None:
    """Two sources: a fact stated twice, one only by the closed source, one only by the article, an article's claim."""
    t = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    quads = [
        _quad("source/a", "vocab/graph", "graph/a", "sources"), _quad("source/a", "vocab/commercialUse", '"no"', "sources"),
        _quad("source/w", "vocab/graph", "graph/w", "sources"), _quad("source/w", t, "vocab/Article", "sources"),
        _quad("drug/x", t, "vocab/Drug", "a"), _quad("drug/x", t, "vocab/Drug", "w"),
        _quad("drug/x", "vocab/atcCode", '"M03BX01"', "a"), _quad("drug/x", "vocab/hasMechanism", "mechanism/m", "w"),
        _quad("claim/c", t, "vocab/Claim", "w"), _quad("claim/c", "vocab/quote", '"x is a relaxant"', "w"),
    ]
    stats = compute_statistics(quads)
    assert stats.measures == {
        "facts-sourced": (3, 3), "facts-multi-sourced": (1, 3), "facts-article-only": (1, 3),
        "facts-non-commercial-only": (1, 3), "drugs-atc": (1, 1), "drugs-drugbank": (0, 1),
        "drugs-mechanism": (1, 1), "drugs-indication": (0, 1)}
    assert stats.sources == {"<https://w3id.org/mrkg/source/a>": 2, "<https://w3id.org/mrkg/source/w>": 4}
    lines = statistics_lines(stats)
    assert all(line.endswith(f"<{STATISTICS_GRAPH}> .") for line in lines)
    assert f'<{DATASET}> <{VOID}triples> "{9 + len(lines)}"^^<http://www.w3.org/2001/XMLSchema#integer>' \
        f" <{STATISTICS_GRAPH}> ." in lines
    # a statistics graph among the quads is left out: the figures do not count themselves twice
    again = compute_statistics(quads + [tuple(line.rsplit(" <", 1)[0].split(" ", 2)) + (f"<{STATISTICS_GRAPH}>",)
                                        for line in lines])  # type: ignore[misc]
    assert again == stats
