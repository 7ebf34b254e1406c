"""The statistics graph: the figures the build computes equal what the graph holds, counted live.

``queries/qc/statistics-out-of-date.rq`` is the live computation that ``stats-sourcing`` ran before the build
computed the measures; it lists every measure whose stored figure differs, so "no rows" is the agreement.
``tests/resources/live/`` keeps the live versions of ``stats-labels``, ``stats-interactions``, ``label-coverage`` and
``stats-claims``,
which must give the very rows the named queries read from the statistics graph.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.build.statistics import DATASET, STATISTICS_GRAPH, compute_statistics, statistics_lines
from kg.paths import QUERIES_DIR

LIVE = (QUERIES_DIR / "qc" / "statistics-out-of-date.rq").read_text(encoding="utf-8")
#: The named queries that read build-time figures, each with the query that counts them live.
LIVE_QUERIES = {path.stem: path.read_text(encoding="utf-8")
                for path in sorted((Path(__file__).parent / "resources" / "live").glob("*.rq"))}
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


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("name", sorted(LIVE_QUERIES))
def test_fixture_figures_equal_their_live_query(mini: Path, engine: str, name: str) -> None:
    """On the fixture graph, each named query that reads build-time figures answers as its live count does (rows
    compared as sets: rdflib orders the live stats-labels by its GROUP BY key ?rank wrongly)."""
    graph = kg.load(engine=engine, path=mini)
    stored = graph.query(name)
    live = graph.store.query(LIVE_QUERIES[name])
    assert sorted(map(repr, stored.rows)) == sorted(map(repr, live.rows)) and stored.variables == live.variables
    assert stored.rows


@pytest.mark.parametrize("name", sorted(LIVE_QUERIES))
def test_real_figures_equal_their_live_query(graph, name: str) -> None:
    """On the real graph too, row for row (the live label-coverage counted per drug, stats-labels over the layer)."""
    stored = graph.query(name)
    assert stored.rows == graph.store.query(LIVE_QUERIES[name]).rows and len(stored.rows) >= 5


def test_live_queries_are_the_named_queries_that_read_figures() -> None:
    """Every kept live query has its named query, and that one reads the statistics graph's nodes."""
    assert set(LIVE_QUERIES) == {"label-coverage", "stats-claims", "stats-interactions", "stats-labels"}
    for name in LIVE_QUERIES:
        text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
        assert any(f"mr:{kind}" in text for kind in ("LabelMeasure", "SeverityTally", "LabelCoverage", "ClaimTally")), name


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


def test_label_figures_follow_the_definitions() -> None:
    """A label-sourced contraindication and a database-sourced boxed warning: the label measures count only the
    first, the coverage both; a dated and an undated label; a statement and a summary of one severity; a claim."""
    t, mr = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "vocab/"
    quads = [
        _quad("vocab/DrugLabel", mr + "givesEvidence", mr + "evidence-regulatory-label", "ontology"),
        _quad("source/l", t, mr + "DrugLabel", "sources"), _quad("source/l", "http://purl.org/dc/terms/date", '"2024"', "sources"),
        _quad("source/m", t, mr + "DrugLabel", "sources"),
        _quad("drug/x", t, mr + "Drug", "l"), _quad("drug/y", t, mr + "Drug", "l"),
        _quad("drug/x", mr + "indicatedFor", "condition/a", "l"), _quad("drug/x", mr + "indicatedFor", "condition/b", "l"),
        _quad("ci/1", t, mr + "Contraindication", "l"), _quad("ci/1", mr + "drug", "drug/x", "l"),
        _quad("ci/1", mr + "evidenceLevel", mr + "evidence-regulatory-label", "l"),
        _quad("ci/1", "http://purl.org/dc/terms/source", "source/l", "l"),
        _quad("w/1", mr + "drug", "drug/y", "d"), _quad("w/1", mr + "warningTopic", mr + "topic-boxed-warning", "d"),
        _quad("w/1", mr + "evidenceLevel", mr + "evidence-database", "d"),
        _quad(mr + "severity-major", mr + "severityRank", '"2"', "ontology"),
        _quad(mr + "severity-minor", mr + "severityRank", '"4"', "ontology"),
        _quad("i/1", t, mr + "DrugInteraction", "d"), _quad("i/1", mr + "severity", mr + "severity-major", "d"),
        _quad("s/1", t, mr + "InteractionSummary", "d"), _quad("s/1", mr + "severity", mr + "severity-major", "d"),
        _quad("claim/c", t, mr + "Claim", "w"), _quad("claim/c", "http://purl.org/dc/terms/source", "source/w", "w"),
        _quad("claim/c", mr + "assessment", mr + "assessment-contradicted", "w"),
    ]
    stats = compute_statistics(quads)
    assert {k: v for k, v in stats.label_measures.items() if v[0]} == {
        "drugs-label-source": (1, 2), "drugs-label-indication": (1, 2), "drugs-label-contraindication": (1, 2),
        "label-sources-dated": (1, 2)}
    x, y = "<https://w3id.org/mrkg/drug/x>", "<https://w3id.org/mrkg/drug/y>"
    assert stats.coverage == {x: (2, 1, 0, 0, 0, 0, 0, 0), y: (0, 0, 1, 0, 0, 0, 0, 0)}
    assert stats.severities == {"<https://w3id.org/mrkg/vocab/severity-major>": (1, 1),
                                "<https://w3id.org/mrkg/vocab/severity-minor>": (0, 0)}
    assert stats.claims == {("<https://w3id.org/mrkg/source/w>", "<https://w3id.org/mrkg/vocab/assessment-contradicted>"): 1}
