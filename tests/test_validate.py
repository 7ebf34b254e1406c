"""SHACL shapes and QC queries: silent on the real graph, precise on broken copies."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.build import build_to_file, read_origins
from kg.cli import main
from kg.errors import DataError
from kg.validate import qc_problems, shacl_problems, validate

MR = "https://w3id.org/mrkg/vocab/"
GRAPH = "<https://w3id.org/mrkg/graph/ref-a>"
#: The graph term that ends an N-Quads line of a source's graph.
NAMED = re.compile(r" <https://w3id\.org/mrkg/graph/[^<>]*> \.$")


def test_real_graph_passes_the_qc_queries(graph) -> None:
    """The real graph's QC queries find nothing (its SHACL side: test_real_graph_breaks_only_where_broken)."""
    problems = qc_problems(graph.store, read_origins(graph.path))
    assert not problems, "\n".join(map(str, problems))


def broken_graph(built: Path, tmp_path: Path, *lines: str, merged: bool = True) -> kg.KnowledgeGraph:
    """The built graph plus ``lines``; ``merged``: also add each line's triple to the default graph, as the build does."""
    path = tmp_path / "broken.nq"
    shutil.copy(built, path)
    lines = tuple(one for line in lines for one in line.split("\n"))  # a breakage may take several quads
    if merged:
        lines += tuple(NAMED.sub(" .", line) for line in lines if NAMED.search(line))
    with path.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    from kg.store import OxigraphStore

    return kg.KnowledgeGraph(OxigraphStore(path), path)  # in memory: a store prepared on disk pays off only when reopened


SHAPE_BREAKAGES = {
    "bad DrugBank id": (f'<https://w3id.org/mrkg/drug/baclofen> <{MR}drugbankId> "DB181" {GRAPH} .',
                        "kg/data/drugs.tsv:", "baclofen", "mr:drugbankId", "not a valid DrugBank id"),
    "two severities": (f"<https://w3id.org/mrkg/interaction/ddinter-162-690> <{MR}severity> <{MR}severity-minor> {GRAPH} .",
                       "kg/data/imported/interactions.tsv:", "ddinter-162-690", "mr:severity", "exactly one severity"),
    "second label": ('<https://w3id.org/mrkg/drug/tizanidine> <http://www.w3.org/2000/01/rdf-schema#label> "Zanaflex" '
                     f"{GRAPH} .", "kg/data/drugs.tsv:", "tizanidine", "rdfs:label", "exactly one label"),
    "target as class": (f"<https://w3id.org/mrkg/drug/baclofen> <{MR}memberOf> <https://w3id.org/mrkg/target/cyp1a2> {GRAPH} .",
                        "kg/data/drugs.tsv:", "baclofen", "mr:memberOf", "must point at a drug class"),
}


@pytest.fixture(scope="module")
def shape_problems(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """The SHACL problems of one copy of the real graph with every breakage of SHAPE_BREAKAGES at once
    (one validation of the whole graph instead of one per case: each takes seconds)."""
    lines = [line for line, *_ in SHAPE_BREAKAGES.values()]
    return shacl_problems(broken_graph(built, tmp_path_factory.mktemp("shapes"), *lines).store, read_origins(built))


def test_real_graph_breaks_only_where_broken(shape_problems) -> None:
    """Every SHACL problem of the broken copy comes from one of the lines added to it: the real graph itself is valid
    (one validation of the whole graph serves both tests)."""
    expected = [(entry, prop, message) for _, _, entry, prop, message in SHAPE_BREAKAGES.values()]
    stray = [p for p in shape_problems
             if not any(entry in p.where and p.property == prop and message in p.message for entry, prop, message in expected)]
    assert not stray, "\n".join(map(str, stray))


def test_validate_reports_both_parts(mini_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    report = validate(kg.load(path=path).store, read_origins(path))
    assert set(report.timings) == {"shacl", "qc queries"}
    assert [p.check for p in report.problems] == ["drug-in-no-class"]


@pytest.mark.parametrize("case", list(SHAPE_BREAKAGES), ids=list(SHAPE_BREAKAGES))
def test_shapes_point_at_file_and_entry(shape_problems, case: str) -> None:
    line, where, entry, prop, message = SHAPE_BREAKAGES[case]
    hits = [p for p in shape_problems if entry in p.where and p.property == prop and message in p.message]
    assert hits, shape_problems
    assert hits[0].where.startswith(where)
    assert re.match(r"kg/data/(imported/)?\w+\.tsv:\d+ \[", str(hits[0]))


QC_BREAKAGES = {
    "class-cycle": f"<https://w3id.org/mrkg/class/muscle-relaxants> <{MR}parentClass> "
                   f"<https://w3id.org/mrkg/class/other-centrally-acting-agents> {GRAPH} .",
    "duplicate-labels": '<https://w3id.org/mrkg/drug/tizanidine> <http://www.w3.org/2000/01/rdf-schema#label> "baclofen" '
                        f"{GRAPH} .",
    # a reference graph now states what claim kidney-065 (tramadol is a muscle relaxant) was flagged as contradicting
    "claim-flagging": f"<https://w3id.org/mrkg/drug/tramadol> <{MR}memberOf> <https://w3id.org/mrkg/class/muscle-relaxants> "
                      "<https://w3id.org/mrkg/graph/who-atc-ddd-2026> .",
    # a second source for the AMRIX label that label-cyclobenzaprine-amrix-rev2019 registers (same set id and date)
    "label-registered-twice": "\n".join(
        f"<https://w3id.org/mrkg/source/amrix-again> {p} {o} <https://w3id.org/mrkg/graph/sources> ." for p, o in [
            ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{MR}DrugLabel>"),
            ("<http://xmlns.com/foaf/0.1/page>",
             "<https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=3902123b-1365-ac3c-0934-afff9eeeb1bd>"),
            ("<http://purl.org/dc/terms/date>", '"2019-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>'),
            ("<http://purl.org/dc/terms/identifier>", '"amrix-again"')]),
    "entity-without-source": f"<https://w3id.org/mrkg/drug/ghost> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{MR}Drug> .",
    # a warning filed as boxed, cited to a section that is not the box (what ZEMURON's 2.1 statement once was)
    "boxed-warning-not-boxed": f"<https://w3id.org/mrkg/warning/rocuronium-administration-experienced-clinicians-zemuron> "
                               f"<{MR}warningTopic> <{MR}topic-boxed-warning> {GRAPH} .",
    # a second reading of GABLOFEN's start that says "no box", beside its boxed warning (dailymed-gablofen)
    "box-reading-disagrees": f"<https://w3id.org/mrkg/box-reading/baclofen--dailymed-gablofen--intrathecal--gablofen> "
                             f'<{MR}hasBoxedWarning> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> {GRAPH} .',
}


@pytest.fixture(scope="module")
def qc_found(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """The QC problems of one copy of the real graph with every breakage of QC_BREAKAGES at once (loading a copy of
    the whole graph costs seconds; the real graph itself passes: test_real_graph_passes_the_qc_queries)."""
    return qc_problems(broken_graph(built, tmp_path_factory.mktemp("qc"), *QC_BREAKAGES.values()).store, read_origins(built))


@pytest.mark.parametrize("check", list(QC_BREAKAGES), ids=list(QC_BREAKAGES))
def test_qc_queries_catch_breakage(qc_found, check: str) -> None:
    """Each breakage is caught by its own check, which names the entity the broken line is about."""
    named = {"claim-flagging": "https://w3id.org/mrkg/claim/kidney-065"}  # the claim, not the fact it was checked against
    entity = named.get(check) or QC_BREAKAGES[check].split(">", 1)[0].lstrip("<")
    assert entity in {p.entity for p in qc_found if p.check == check}, qc_found


def test_a_hand_edited_file_with_a_stale_merge_is_caught(built: Path, tmp_path: Path) -> None:
    """A line added to a source's graph but not to the default graph would be invisible without GRAPH: validate says so."""
    line = '<https://w3id.org/mrkg/drug/baclofen> <http://www.w3.org/2004/02/skos/core#altLabel> "Lioresal X" ' + GRAPH + " ."
    problems = [p for p in qc_problems(broken_graph(built, tmp_path, line, merged=False).store, read_origins(built))
                if p.check == "merge-out-of-date"]
    assert [p.entity for p in problems] == ["https://w3id.org/mrkg/drug/baclofen"]
    assert "ref-a" in problems[0].message and problems[0].where.startswith("kg/data/drugs.tsv:")
    assert not [p for p in qc_problems(broken_graph(built, tmp_path, line).store) if p.check == "merge-out-of-date"]


def test_drug_in_no_class_on_fixture(mini_data: Path, tmp_path: Path) -> None:
    """In the fixture, drug-b belongs to no class: the QC query names it and its row."""
    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    problems = [p for p in qc_problems(kg.load(path=path).store) if p.check == "drug-in-no-class"]
    assert [p.entity for p in problems] == ["https://w3id.org/mrkg/drug/drug-b"]


def test_cli_validate_exit_codes(mini_data: Path, tmp_path: Path) -> None:
    """Exit code 1 and the entry to fix on a broken graph (the real graph's 0 problems: test_real_graph_is_valid)."""
    bad = tmp_path / "bad.nq"
    build_to_file(bad, mini_data)
    with bad.open("a") as out:
        line = f'<https://w3id.org/mrkg/drug/drug-a> <{MR}drugbankId> "DB181" {GRAPH} .'
        out.write(line + "\n" + NAMED.sub(" .", line) + "\n")
    result = CliRunner().invoke(main, ["validate", "--graph", str(bad)])
    assert result.exit_code == 1
    assert "[drug-a]" in result.output and "not a valid DrugBank id" in result.output


SLUG_TEXT = st.text(alphabet="abcXYZ09- _é'\"", min_size=0, max_size=12)


@settings(max_examples=200, deadline=None)
@given(name=SLUG_TEXT)
def test_entity_ids_are_accepted_only_as_slugs(name: str) -> None:
    """Any text as a drug id, read as the build reads a table: a valid slug (around which blanks are trimmed) is the id;
    anything else fails with one line naming the file, the row and the column."""
    import tempfile

    from kg.build.tables import read_table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "drugs.tsv"
        path.write_text(f"id\tlabel\n{name}\tNew drug\n", encoding="utf-8")
        try:
            rows = read_table(path, ["id", "label"])
        except DataError as exc:  # a cell the reader itself refuses (an empty required cell is not among them)
            raise AssertionError(f"the reader refused {name!r}: {exc}") from None
        if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name.strip()):
            assert rows[0].slug("id") == name.strip()
        else:
            with pytest.raises(DataError) as info:
                rows[0].slug("id")
            assert "drugs.tsv:2" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("name, error", [("new-drug", ""), ("New Drug", "is not an id"), ("drug-a", "duplicate id 'drug-a'")],
                         ids=["slug", "not-a-slug", "duplicate"])
def test_a_new_id_builds_or_stops_the_build_at_its_row(mini_data: Path, tmp_path: Path, name: str, error: str) -> None:
    with (mini_data / "drugs.tsv").open("a", encoding="utf-8") as out:
        out.write(f"{name}\tNew drug\tdrug\t\tref-a\t\n")
    if not error:
        build_to_file(tmp_path / "ok.nq", mini_data)
        return
    with pytest.raises(DataError, match=error) as info:
        build_to_file(tmp_path / "bad.nq", mini_data)
    assert "drugs.tsv:5" in str(info.value) and "\n" not in str(info.value)
