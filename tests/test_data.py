"""Data integrity over the curated tables and the built graph, checked against the shared reference tables."""

from __future__ import annotations

import csv
import re

import pytest

from conftest import SHARED
from kg.build import REGISTRY, TABLES, read_tables
from kg.build.registry import files_table
from kg.paths import DATA_DIR

REFERENCE = SHARED / "reference"
SEEDS = SHARED / "seeds"
ARTICLES = {"seed-article-kidney": "000_b52af10c717145d4.txt", "seed-article-exercise": "002_08e766c72c7ae98f.txt"}
#: Identifier schemes of the graph → column of shared/reference/drugs.tsv, and how the table writes a value.
REFERENCE_COLUMNS = {"drugbank": ("drugbank_id", str), "chebi": ("chebi_id", lambda v: v.removeprefix("CHEBI:")),
                     "mesh": ("mesh_id", str), "unii": ("unii", str), "inchikey": ("inchikey", str),
                     "rxnorm": ("rxnorm_cui", str), "atc": ("atc_codes", str)}


def rows(table: str):
    return TABLES[table].read(DATA_DIR / table)


def reference_drugs() -> dict[str, dict[str, str]]:
    with (REFERENCE / "drugs.tsv").open(encoding="utf-8") as handle:
        return {row["name"]: row for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.skipif(not (REFERENCE / "drugs.tsv").is_file(), reason="shared/reference is not beside the checkout")
def test_drug_identifiers_agree_with_reference(graph) -> None:
    """Every ATC, DrugBank, ChEBI, MeSH, UNII, RxNorm and InChIKey value of a drug is one the reference lists."""
    reference = reference_drugs()
    result = graph.query("""
        SELECT ?id ?scheme ?value WHERE { ?drug a mr:Drug ; dcterms:identifier ?id ; ?p ?value .
          ?p mr:identifierScheme ?scheme }""")
    checked, wrong = 0, []
    for drug, scheme, value in ((r["id"], r["scheme"], r["value"]) for r in result.dicts()):
        if drug not in reference or scheme not in REFERENCE_COLUMNS:
            continue
        column, convert = REFERENCE_COLUMNS[scheme]
        allowed = {convert(v) for v in reference[drug][column].split(";") if v}
        checked += 1
        if value not in allowed:
            wrong.append(f"{drug} {scheme}={value} (reference: {sorted(allowed)})")
    assert checked > 80
    assert not wrong, wrong


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_claim_quotes_are_verbatim() -> None:
    """Every claim quotes its article word for word."""
    texts = {source: (SEEDS / name).read_text(encoding="utf-8") for source, name in ARTICLES.items()}
    bad = [row.entry for row in rows("claims.tsv") if row["quote"] not in texts[row["source"]]]
    assert not bad, f"quotes not found in their article: {bad}"


SEED_DRUGS = ["baclofen", "tizanidine", "dantrolene", "cyclobenzaprine", "diazepam", "clonazepam", "gabapentin",
              "tramadol", "morphine", "methocarbamol", "naproxen", "ethanol"]


@pytest.mark.parametrize("drug", SEED_DRUGS)
def test_seed_drugs_have_reference_facts_and_claims(graph, drug: str) -> None:
    """Each drug the articles name has reference identifiers and at least one article claim."""
    facts = graph.query(f"""SELECT ?atc ?claim WHERE {{ drug:{drug} mr:atcCode ?atc .
        OPTIONAL {{ ?claim rdf:subject|rdf:object drug:{drug} ; a mr:Claim }} }}""").rows
    assert facts, f"{drug} has no ATC code"
    assert any(row[1] for row in facts), f"no article claim mentions {drug}"


SEED_FACTS = {  # (subject, predicate, object or value) that the articles state about baclofen
    "uses": ("baclofen", "indicated-for", "spasticity"),
    "mechanism": ("baclofen", "has-target", "gabbr1"),
    "side effect": ("baclofen", "has-adverse-effect", "somnolence"),
    "alcohol": ("baclofen", "interacts-with", "ethanol"),
    "sedatives": ("baclofen", "interacts-with", "cns-depressants"),
    "kidney elimination": ("baclofen", "eliminated-by", "renal"),
    "kidney monitoring": ("baclofen", "has-warning", "renal-impairment"),
    "pregnancy": ("baclofen", "has-warning", "pregnancy"),
    "abuse": ("baclofen", "has-warning", "abuse-potential"),
    "tablets": ("baclofen", "available-as", "tablet"),
    "intrathecal": ("baclofen", "available-as", "intrathecal-injection"),
    "strength": ("baclofen", "has-strength", "10 mg"),
    "brand": ("baclofen", "has-brand", "Lioresal"),
    "opioids called muscle relaxants": ("tramadol", "member-of-class", "muscle-relaxants"),
    "physical therapy": ("physical-therapy", "therapy-for", "spasticity"),
}


@pytest.mark.parametrize("fact", list(SEED_FACTS), ids=list(SEED_FACTS))
def test_seed_article_facts_are_claims(fact: str) -> None:
    subject, predicate, obj = SEED_FACTS[fact]
    found = [r for r in rows("claims.tsv") if r["subject"] == subject and r["predicate"] == predicate
             and obj in (r["object"], r["object_value"])]
    assert found, f"no claim {subject} {predicate} {obj}"
    assert all(r["source"] in ARTICLES for r in found)


def test_naproxen_claim_is_held_with_the_article(graph) -> None:
    rows_ = graph.query("""SELECT ?quote WHERE { ?c a mr:Claim ; rdf:subject drug:baclofen ; rdf:object drug:naproxen ;
        mr:quote ?quote ; dcterms:source source:seed-article-exercise }""").rows
    assert rows_


def test_every_source_is_used_and_licensed() -> None:
    """No orphan source; every source states its licence and whether commercial reuse is allowed."""
    cited = set()
    for table, table_rows in read_tables(DATA_DIR).items():
        for column in ("source", "assessed_against"):
            if column in TABLES[table].columns and table != "sources.tsv":
                cited |= {s for row in table_rows for s in row.slugs(column, required=False)}
    sources = rows("sources.tsv")
    assert {row["id"] for row in sources} - cited == set(), "registered but never cited"
    assert all(row["licence"] and row["commercial_use"] in ("yes", "no", "unknown") for row in sources)


def test_tables_are_tidy() -> None:
    """No exact duplicate rows in any table (a duplicate hides an editing mistake)."""
    for table in TABLES:
        seen: dict[tuple, int] = {}
        for row in rows(table):
            key = tuple(row.cells.values())
            assert key not in seen, f"{row.where} repeats line {seen[key]}"
            seen[key] = row.line


README = (DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_data_readme_lists_the_files_of_the_registry() -> None:
    """The data README's table of files is the registry's (regenerate it with ``python -m kg.build.registry``)."""
    table = README.split("## Files", 1)[1].split("\n\n")[1].strip()
    assert table == files_table()


@pytest.mark.parametrize("table, column", [(spec.file, column) for spec in REGISTRY for column in spec.values
                                           if (spec.file, column) != ("interactions.tsv", "level")])
def test_data_readme_lists_each_controlled_value_of_the_ontology(table: str, column: str) -> None:
    """Each column that takes controlled values lists, in the data README, exactly the codes of ontology/values.ttl
    (interactions.level is described by pattern and defers to ontology/severity-scales.ttl)."""
    from kg.ontology import load_ontology, load_vocabulary

    codes = set(load_vocabulary(load_ontology()).values[TABLES[table].values[column]])
    documented = {}
    for spec in REGISTRY:  # a README line may document the values of another table's column ("as mechanisms.action")
        for name in spec.values:
            match = re.search(rf"^- `{spec.file[:-4]}\.{name}`[^:]*: (.*?)(?=^- |^$|\Z)", README, re.M | re.S)
            if match:
                documented[(spec.file, name)] = match.group(1)
    text = documented[(table, column)]
    if text.startswith("as `"):
        other_table, other_column = re.match(r"as `(\w+)\.(\w+)`", text).groups()
        text = documented[(other_table + ".tsv", other_column)]
    first_sentence = re.sub(r"\([^)]*\)", "", text).split(". ")[0]
    if first_sentence.startswith("`"):  # codes that are not slugs (units: `%`, `L/kg`) are listed in backticks
        listed = set(re.findall(r"`([^`]+)`", first_sentence))
    else:
        listed = set(re.findall(r"(?<![\w`(-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?=\s*[,.;]|\s*$|\s+or\b)", first_sentence))
    assert codes <= listed, f"missing in the README: {codes - listed}"
    assert listed - {"or", "empty"} <= codes, f"not in ontology/values.ttl: {listed - codes}"


@pytest.mark.parametrize("column, annotation", [("names.kind", "nameKind"), ("drug_targets.relation", "relationCode")])
def test_data_readme_lists_the_codes_the_ontology_gives_a_choice_column(column: str, annotation: str) -> None:
    """names.kind and drug_targets.relation choose a property by the codes on the ontology's properties
    (mr:nameKind, mr:relationCode): the data README lists exactly those codes."""
    from kg.ontology import load_ontology
    from kg.vocab import MR

    codes = {str(code) for code in load_ontology().objects(None, MR[annotation])} - {"label"}
    line = re.search(rf"^- `{re.escape(column)}`: (.*?)(?=^- |^$)", README, re.M | re.S)
    assert line, f"the data README has no line for {column}"
    listed = set(re.findall(r"(?<![\w(-])([a-z][a-z0-9-]*)(?=\s*[,(]|\s*$)", re.sub(r"\([^)]*\)", "", line.group(1))))
    assert listed == codes
