"""Coverage of the reference interaction table: the pairs that involve a core drug are in the graph.

Counted as issue 11 asks: each distinct (core drug, partner name) pair of ../shared/reference/interactions.tsv,
the partner found by its English or French name (or, failing that, the DrugBank id the row gives), and the
pair present when an interaction summary joins the two. Run this file with ``-s`` to see the numbers.
"""

from __future__ import annotations

import csv
import re

import pytest

from conftest import SHARED

REFERENCE = SHARED / "reference"
pytestmark = pytest.mark.skipif(not (REFERENCE / "interactions.tsv").is_file(),
                                reason="shared/reference is not beside the checkout")


def key(name: str) -> str:
    return " ".join(name.replace("_", " ").lower().split())


def reference_pairs() -> dict[tuple[str, str], str]:
    """(core DrugBank id, partner name key) → the partner's DrugBank id as the row gives it (may be empty)."""
    with (REFERENCE / "drugs.tsv").open(encoding="utf-8") as handle:
        drugs = list(csv.DictReader(handle, delimiter="\t"))
    core = {d["drugbank_id"] for d in drugs[:28]} | {"DB00732"}  # DrugBank 4's atracurium (besylate)
    pairs = {}
    with (REFERENCE / "interactions.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            for mine, theirs in (("a", "b"), ("b", "a")):
                if row[f"drugbank_id_{mine}"] in core:
                    pairs[(row[f"drugbank_id_{mine}"], key(row[f"drug_{theirs}"]))] = row[f"drugbank_id_{theirs}"]
    return pairs


def coverage(graph) -> tuple[int, list[tuple[str, str, str]]]:
    """The number of reference pairs and those the graph lacks, with why."""
    names = {}
    for row in graph.query("""SELECT ?e ?n WHERE { ?e a/rdfs:subClassOf* mr:Substance .
        { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n } UNION { ?e mr:brandName ?n } }""").rows:
        names.setdefault(key(row[1].value), row[0].value)
    by_id = {r[1].value: r[0].value for r in graph.query("SELECT ?e ?id WHERE { ?e mr:drugbankId ?id }").rows}
    by_id["DB00732"] = by_id["DB13295"]  # as the importer's reference_aliases.tsv maps it
    pairs_in_graph = {frozenset((r[0].value, r[1].value)) for r in graph.query(
        "SELECT ?a ?b WHERE { ?s a mr:InteractionSummary ; mr:participant ?a , ?b FILTER(?a != ?b) }").rows}
    pairs = reference_pairs()
    missing = []
    for (core_id, partner), partner_id in sorted(pairs.items()):
        entity = names.get(partner) or by_id.get(partner_id) or names.get(re.sub(r"\s*\(.*\)$", "", partner))
        if entity is None:
            missing.append((core_id, partner, "partner not found by name"))
        elif frozenset((by_id[core_id], entity)) not in pairs_in_graph:
            missing.append((core_id, partner, "no interaction summary for the pair (a self-pair after resolution?)"))
    return len(pairs), missing


def test_reference_pairs_with_a_core_drug_are_in_the_graph(graph) -> None:
    total, missing = coverage(graph)
    share = 1 - len(missing) / total
    print(f"\n{total - len(missing):,} of {total:,} reference pairs with a core drug are in the graph ({share:.1%})")
    for item in missing:
        print("  missing:", *item)
    assert total > 4000 and share >= 0.9
