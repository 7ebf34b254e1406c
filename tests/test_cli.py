"""The command line: each command on the real graph, and clean one-line errors (exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import MINI, replace
from kg.cli import main


@pytest.fixture(scope="module")
def run(built: Path):
    runner = CliRunner()

    def invoke(*args: str, graph: bool = True):
        extra = ["--graph", str(built)] if graph and args[0] not in ("build", "queries") else []
        return runner.invoke(main, [*args, *extra])
    return invoke


def test_build_writes_output(tmp_path: Path) -> None:
    """(The fixture tables: the real graph's build is the session fixture `built`, and test_cache builds it cached.)"""
    out = tmp_path / "g.nq"
    result = CliRunner().invoke(main, ["build", "--data", str(MINI), "--output", str(out)])
    assert result.exit_code == 0, result.output
    named = [q for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS) if isinstance(q.graph_name, ox.NamedNode)]
    assert result.output.startswith(f"wrote {len(named):,} quads to {out}") and len(named) > 1_000


def test_queries_lists_the_library(run) -> None:
    result = run("queries")
    assert result.exit_code == 0
    assert "drug-interactions  --param drug=<Substance>" in result.output
    assert "drugs-for-condition  --param condition=<Condition>" in result.output


def test_query_table_and_json(run) -> None:
    table = run("query", "drug-interactions", "--param", "drug=baclofen")
    assert table.exit_code == 0 and "ethanol" in table.output and table.output.rstrip().endswith("rows)")
    data = json.loads(run("query", "drug-interactions", "--param", "drug=baclofen", "--format", "json").output)
    assert "partner" in data["head"]["vars"]
    assert {"type": "literal", "value": "ethanol"} in [b["partner"] for b in data["results"]["bindings"]]


def test_query_sparql_and_file(run, tmp_path: Path) -> None:
    result = run("query", "--sparql", "SELECT ?l WHERE { drug:baclofen rdfs:label ?l }", "--format", "csv")
    assert result.output.splitlines() == ["l", "baclofen"]
    rq = tmp_path / "ask.rq"
    rq.write_text("ASK { drug:tizanidine mr:metabolisedBy target:cyp1a2 }")
    assert run("query", str(rq)).output.strip() == "yes"


def test_show_groups_facts_with_sources(run) -> None:
    result = run("show", "lioresal")
    assert result.exit_code == 0
    assert result.output.startswith("baclofen  <https://w3id.org/mrkg/drug/baclofen>")
    assert "  - M03BX01  [who-atc-ddd-2026]" in result.output
    assert "article claims:" in result.output and "CONTRADICTED" in result.output


def groups_of(output: str) -> dict[str, list[str]]:
    """A `mrkg show` page as {group heading: its lines}."""
    groups: dict[str, list[str]] = {}
    for line in output.splitlines()[2:]:
        if line.endswith(":") and not line.startswith(" "):
            groups[line[:-1]] = []
        elif line.startswith("  - "):
            groups[list(groups)[-1]].append(line[4:])
    return groups


def test_show_gives_each_interacting_pair_one_line_and_all_lists_every_statement(run) -> None:
    """Baclofen has hundreds of interaction statements: the page gives one line per partner, worst first (the pair's
    summary with each source's level), and `--all` the summaries, statements and edges themselves."""
    compact, full = groups_of(run("show", "baclofen").output), groups_of(run("show", "baclofen", "--all").output)
    pairs = next(lines for group, lines in compact.items() if group.startswith("interactions (one line per partner"))
    partners = [line.split(":", 1)[0] for line in pairs]
    assert len(partners) == len(set(partners)) == len(full["interaction summary"]) > 100
    ranks = ["contraindicated", "major", "moderate", "minor", "not graded"]
    assert [ranks.index(line.split(": ", 1)[1].split(" (")[0]) for line in pairs] == sorted(
        ranks.index(line.split(": ", 1)[1].split(" (")[0]) for line in pairs)
    ethanol = next(line for line in pairs if line.startswith("ethanol: "))
    assert "ansm-thesaurus-2016: association déconseillée (AD) = major" in ethanol
    summarised = {"interacts with", "interaction summary", "drug interaction"}
    assert summarised <= set(full) and not summarised & set(compact)
    # the rest of the page is the same, a label's interaction statements under the label's section included
    assert "label: section 7" in compact and any("epidural morphine" in line for line in compact["label: section 7"])
    assert {group: lines for group, lines in compact.items() if not group.startswith("interactions (")} == {
        group: lines for group, lines in full.items() if group not in summarised}
    # a condition has no pairs, and a class keeps its class-level statements: only a substance's page is compact
    assert run("show", "spasticity").exit_code == 0
    assert "interaction summary" in groups_of(run("show", "opioids").output)


def test_neighbors_and_path(run) -> None:
    assert "ethanol  (drug)" in run("neighbors", "baclofen").output or "ethanol  (substance)" in run("neighbors", "baclofen").output
    path = run("path", "tizanidine", "ciprofloxacin")
    assert "tizanidine —metabolised by→ Cytochrome P450 1A2 ←inhibits— ciprofloxacin" in path.output


def test_check_lists_recorded_then_predicted(run) -> None:
    """Predictions are only for pairs the graph records nothing for: baclofen + tizanidine, reached through the CNS
    depressants (Zanaflex: "sedative effects of Zanaflex, alcohol, and other CNS depressants are additive"), is
    recorded and so no longer also listed as 'predicted, not recorded'; metaxalone + omeprazole (CYP2C19) is new."""
    result = run("check", "baclofen", "tizanidine", "carisoprodol", "omeprazole")
    assert result.exit_code == 0, result.output
    recorded, _, predicted = result.output.partition("PREDICTED from mechanism")
    assert "carisoprodol" in recorded and "omeprazole" in recorded and "baclofen + tizanidine" in recorded
    assert "tizanidine" not in predicted
    result = run("check", "baclofen", "metaxalone", "omeprazole")
    recorded, _, predicted = result.output.partition("PREDICTED from mechanism")
    assert "metaxalone —metabolised by→ Cytochrome P450 2C19 ←inhibits— omeprazole" in predicted


def test_check_puts_worst_first(run, severity_order) -> None:
    """The CSV holds the same content as the table: summaries worst first, each followed by its statements."""
    import csv
    import io

    result = run("check", "baclofen", "tramadol", "alcohol", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and list(rows[0])[:4] == ["section", "drug", "other", "severity"]
    summaries = [r["severity"] for r in rows if r["section"] == "summary"]
    assert len(summaries) == 3, "three pairs, each with one summary"
    assert [severity_order.index(s) for s in summaries] == sorted(severity_order.index(s) for s in summaries)
    assert {r["section"] for r in rows} >= {"summary", "statement", "warning"}


@pytest.mark.slow
def test_export(run, tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    result = run("export", "--format", "nquads", "--output", str(out))
    assert result.exit_code == 0 and out.exists()


ERRORS = {
    "unknown query": (("query", "drug-interactionz"), "did you mean 'drug-interactions'"),
    "unknown drug": (("query", "drug-interactions", "--param", "drug=bacl0fen"), "no Substance named 'bacl0fen'"),
    "bad param syntax": (("query", "drug-interactions", "--param", "drug"), "must look like NAME=VALUE"),
    "missing param": (("query", "drug-interactions"), "--param: query 'drug-interactions' needs the parameter drug"),
    "extra param": (("query", "drug-interactions", "-p", "drug=baclofen", "-p", "x=1"), "has no parameter x"),
    "bad sparql": (("query", "--sparql", "SELECT WHERE {"), "error: "),
    "both name and sparql": (("query", "stats-claims", "--sparql", "ASK {}"), "either a query name"),
    "unknown format": (("export", "--format", "gml", "--output", "x.gml"), "Invalid value for '--format': 'gml' is not one of"),
    "missing graph file": (("show", "baclofen", "--graph", "/nonexistent/g.nq"), "no such file"),
    "check one drug": (("check", "baclofen"), "at least two different drugs"),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_errors_are_one_clean_line(run, case: str) -> None:
    args, message = ERRORS[case]
    result = CliRunner().invoke(main, list(args)) if "--graph" in args else run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_open_only_build(mini_data: Path, tmp_path: Path) -> None:
    """The licence filter on the command line (test_build checks what it withholds from the real graph)."""
    replace(mini_data, "sources.tsv", "CC0-1.0\tyes", "CC-BY-NC-4.0\tno")
    out = tmp_path / "open.nq"
    result = CliRunner().invoke(main, ["build", "--open-only", "--data", str(mini_data), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "rows withheld by the licence filter" in result.output and "drug_adverse_effects.tsv" in result.output
    refused = CliRunner().invoke(main, ["build", "--strict"])
    assert refused.exit_code == 2 and "--strict goes with --open-only" in refused.output


def test_analytics_commands(run) -> None:
    similar = run("similar", "baclofen", "--limit", "3")
    assert similar.exit_code == 0 and len(similar.output.splitlines()) == 3
    assert float(similar.output.split()[0]) > 0
    hubs = run("hubs", "--kind", "target", "--limit", "3")
    assert "Cytochrome P450" in hubs.output
    metapath = run("metapath", "tizanidine", "metabolisedBy <inhibits")
    assert "ciprofloxacin" in metapath.output and "fluvoxamine" in metapath.output


@pytest.mark.slow
def test_export_around(run, tmp_path: Path) -> None:
    import networkx as nx

    out = tmp_path / "b.graphml"
    result = run("export", "--format", "graphml", "--around", "baclofen", "--depth", "1", "--output", str(out))
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out)
    assert "https://w3id.org/mrkg/drug/baclofen" in g and 10 < g.number_of_nodes() < 4000  # not the whole graph (7,000)


def test_a_bug_is_one_line_with_exit_3_and_its_traceback_under_debug(monkeypatch) -> None:
    """An unexpected exception is reported as a bug (not as bad input), with the traceback only under --debug."""
    import kg.api

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(kg.api.KnowledgeGraph, "describe", broken)
    plain = CliRunner().invoke(main, ["show", "baclofen"])
    assert plain.exit_code == 3 and "internal error: ZeroDivisionError: a bug" in plain.output
    assert "--debug" in plain.output and "Traceback" not in plain.output
    debug = CliRunner().invoke(main, ["--debug", "show", "baclofen"])
    assert isinstance(debug.exception, ZeroDivisionError)


def test_export_choices_are_the_export_registry() -> None:
    from kg.cli import EXPORT_FORMATS
    from kg.export import FORMATS

    assert list(EXPORT_FORMATS) == list(FORMATS)


def test_sample_kinds_are_the_audit_queries() -> None:
    from kg.audit import SAMPLE_QUERIES
    from kg.cli import SAMPLE_KINDS

    assert set(SAMPLE_KINDS) == set(SAMPLE_QUERIES)


def test_sample_draws_the_same_statements_for_a_seed(graph) -> None:
    """The audit sampler is reproducible, and database-indications draws only statements that rest on no label (the
    issue 12 audit drew them by hand, since indications draws only the labels')."""
    from kg.audit import sample

    drawn = sample(graph, "database-indications", 10, 12)
    assert drawn.rows == sample(graph, "database-indications", 10, 12).rows and len(drawn.rows) == 10
    evidence = {row["evidence"] for row in drawn.dicts()}
    assert evidence and "regulatory label" not in evidence
    labels = {row["statement"] for row in sample(graph, "indications", 200, 12).dicts()}
    assert labels and not labels & {row["statement"] for row in sample(graph, "database-indications", 500, 12).dicts()}


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    """`mrkg ... | head`: when the reader closes the pipe, the command stops with the usual exit code 141 and says
    nothing (it used to report a BrokenPipeError as a bug of MRKG)."""
    import os
    import subprocess
    import sys

    from kg.cache import cached_graph

    cached_graph()
    command = [sys.executable, "-m", "kg", "query", "--sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| true` does; `| head -1` closes after the first lines
    assert process.wait(120) == 141
    assert process.stderr.read() == b""


def _run_with_stderr_on_a_terminal(args: list[str]) -> tuple[str, str]:
    """Run ``mrkg ARGS`` with standard error on a pseudo-terminal: (stdout, what the terminal showed)."""
    import os
    import pty
    import subprocess
    import sys

    main_tty, child_tty = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "kg", *args], stdout=subprocess.PIPE, stderr=child_tty, text=True,
                          timeout=300)
    os.close(child_tty)
    shown = b""
    while True:
        try:
            chunk = os.read(main_tty, 65536)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_tty)
    return done.stdout, shown.decode(errors="replace")


@pytest.mark.slow
def test_progress_is_shown_on_a_terminal_and_nowhere_else(tmp_path: Path) -> None:
    """`mrkg reason` names each step and its time on a terminal's standard error (issue 14); piped, stderr stays empty,
    and standard output is the same either way."""
    import subprocess
    import sys

    from kg.build import build_to_file

    path = tmp_path / "mini.nq"
    build_to_file(path, MINI)
    args = ["reason", "--owlrl", "--graph", str(path)]
    out, terminal = _run_with_stderr_on_a_terminal(args)
    assert "reasoning over the data with the ontology's rules: " in terminal and " s" in terminal
    piped = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=300)
    assert piped.stderr == "" and piped.stdout.split("\n")[1:] == out.split("\n")[1:]  # the first line has the time


def test_a_table_fits_the_terminal_width(graph) -> None:
    """On a terminal, long cells are cut with … so that every row fits; piped (no width), every cell is whole (as far as
    MAX_CELL)."""
    from kg.results import MIN_COLUMN, to_table

    result = graph.query("drug-interactions", drug="baclofen")
    narrow = to_table(result, width=160).splitlines()  # 13 columns: 128 characters at the narrowest
    assert all(len(line) <= 160 for line in narrow) and any("…" in line for line in narrow)
    assert len(narrow) == len(to_table(result).splitlines())  # the same rows and count line
    assert max(len(line) for line in to_table(result).splitlines()) > 160
    tiny = to_table(result, width=10).splitlines()  # narrower than the columns can go: each stops at MIN_COLUMN
    assert all(len(cell) <= MIN_COLUMN for cell in tiny[1].split())


def test_describe_runs_its_queries_side_by_side_with_the_same_answer(graph) -> None:
    """On Oxigraph the page's queries run in threads; the page is the one the queries give one after another, and a
    failing query's error reaches the caller."""
    from kg.describe import describe, together
    from kg.errors import QueryError

    iri = graph.resolve("baclofen")
    side_by_side = describe(graph.store, iri, lambda: graph.interaction_summary(iri).dicts())
    graph.store.concurrent = False
    try:
        one_by_one = describe(graph.store, iri, lambda: graph.interaction_summary(iri).dicts())
    finally:
        graph.store.concurrent = True
    assert side_by_side.groups == one_by_one.groups and len(side_by_side.groups) > 10

    def broken() -> None:
        raise QueryError("no such query")
    with pytest.raises(QueryError, match="no such query"):
        together({"fine": lambda: 1, "broken": broken})


def test_drug_summaries_draw_pairs_of_drugs_in_scope(graph) -> None:
    """drug-summaries draws the pairs a pharmacist asks about first: both drugs in scope, no interaction partner (of
    30 pairs drawn from all summaries with seed 1208, 29 had a partner drug, often with no label text to check)."""
    from kg.audit import sample

    drawn = sample(graph, "drug-summaries", 30, 1208)
    assert len(drawn.rows) == 30 and drawn.rows == sample(graph, "drug-summaries", 30, 1208).rows
    partners = {r[0].value for r in graph.query("SELECT ?d WHERE { ?d a mr:PartnerDrug }").rows}
    for row in drawn.rows:
        pair = graph.store.query(f"SELECT ?d WHERE {{ <{row[0].value}> mr:participant ?d }}").rows
        assert len(pair) == 2 and not {d[0].value for d in pair} & partners, row
