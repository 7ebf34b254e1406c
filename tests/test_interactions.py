"""Interactions a pharmacist would sign: the severity model, the label layer, class rules and one answer per pair.

The pinned cases cite the label sentence they rest on; a failure here means the graph says less than a label.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.build import build_to_file
from kg.ontology import load_ontology, load_vocabulary
from kg.vocab import MR

LEVEL = "https://w3id.org/mrkg/level/"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def harmonised(ontology: Graph, code: str) -> str:
    level = load_vocabulary(ontology).values["StatedSeverity"][code]
    return str(ontology.value(level, MR.harmonisedAs)).rsplit("/severity-", 1)[-1]


# --- the severity model --------------------------------------------------------------------------

def test_severity_order_lives_in_the_ontology(ontology: Graph) -> None:
    """Five severities with distinct ranks; 'not graded' is the only one that grades nothing, and sorts last."""
    ranks = {str(s).split("/severity-")[-1]: int(r) for s, r in ontology.subject_objects(MR.severityRank)}
    assert sorted(ranks, key=ranks.get) == ["contraindicated", "major", "moderate", "minor", "not-graded"]
    assert len(set(ranks.values())) == 5
    ungraded = [s for s, g in ontology.subject_objects(MR.graded) if not g.toPython()]
    assert ungraded == [MR["severity-not-graded"]]


def test_every_source_level_has_one_mapping_and_a_reason(ontology: Graph) -> None:
    levels = load_vocabulary(ontology).values["StatedSeverity"]
    assert len(levels) >= 25
    for code, level in levels.items():
        assert len(list(ontology.objects(level, MR.harmonisedAs))) == 1, code
        assert str(ontology.value(level, MR.mappingReason) or "").strip(), f"{code} has no mapping reason"
        assert ontology.value(level, URIRef("http://www.w3.org/2004/02/skos/core#inScheme")) is not None, code


@pytest.mark.parametrize("code", ["ansm-pc", "worldvista-take-into-account", "ddinter-unknown", "drugbank4-listed",
                                  "onc-non-interruptive", "crediblemeds-listed", "nlm-corpus-listed", "label-mentioned"])
def test_levels_that_do_not_rank_are_not_graded(ontology: Graph, code: str) -> None:
    """ANSM: 'à prendre en compte ... Aucune recommandation pratique ne peut être proposée' (archive.ansm.sante.fr,
    Interactions médicamenteuses): a flag, not a grade. It was mapped to minor; now it is 'not graded'."""
    assert harmonised(ontology, code) == "not-graded"


@pytest.mark.parametrize("code, floor", [("label-contraindicated", "contraindicated"), ("label-boxed-warning", "major"),
                                         ("label-avoid", "major"), ("label-not-recommended", "major"),
                                         ("ansm-ci", "contraindicated"), ("worldvista-contraindicated", "contraindicated"),
                                         ("ansm-ad", "major")])
def test_a_regulator_level_is_never_lowered(ontology: Graph, code: str, floor: str) -> None:
    order = ["contraindicated", "major", "moderate", "minor", "not-graded"]
    assert order.index(harmonised(ontology, code)) <= order.index(floor)


def test_statements_of_ungraded_levels_are_never_minor(graph) -> None:
    """No statement whose level grades nothing carries a graded severity, and no pair is minor without a minor statement."""
    rows = graph.query("""SELECT ?i WHERE { ?i mr:statedLevel ?l ; mr:severity ?s .
        ?l mr:harmonisedAs ?h . FILTER(?s != ?h) }""").rows
    assert not rows, "a statement's severity differs from its level's mapping"
    minor = graph.query("""SELECT ?p WHERE { ?p a mr:InteractionSummary ; mr:severity mr:severity-minor .
        FILTER NOT EXISTS { ?p mr:summarises/mr:severity mr:severity-minor } }""").rows
    assert not minor


def test_severity_mapping_query_lists_every_level(graph, ontology: Graph) -> None:
    rows = graph.query("severity-mapping").dicts()
    assert len(rows) == len(load_vocabulary(ontology).values["StatedSeverity"])
    pc = next(r for r in rows if r["level"] == "ansm-pc")
    assert pc["asStated"] == "PC" and pc["meaning"] == "à prendre en compte" and pc["severity"] == "not graded"
    assert int(pc["statements"]) > 100


# --- the label layer and the pinned cases of issue 11 -----------------------------------------------

def summary(graph, drug: str, other: str) -> dict:
    rows = graph.interaction_summary(drug, other).dicts()
    assert len(rows) == 1, f"{drug} + {other}: {rows}"
    return rows[0]


@pytest.mark.parametrize("other", ["ciprofloxacin", "fluvoxamine"])
def test_tizanidine_with_strong_cyp1a2_inhibitors_is_contraindicated(graph, other: str) -> None:
    """Zanaflex PI, 4 Contraindications: 'Zanaflex is contraindicated in patients taking strong CYP1A2 inhibitors';
    the earlier label named fluvoxamine and ciprofloxacin."""
    row = summary(graph, "tizanidine", other)
    assert row["severity"] == "contraindicated" and row["evidence"] == "regulatory label"
    assert "pharmacokinetic" in row["mechanism"] and "Cytochrome P450 1A2" in row["via"]
    assert row["management"] and "contraindicated" in row["labelText"]


def test_cyclobenzaprine_with_an_maoi_is_contraindicated(graph) -> None:
    """Cyclobenzaprine PI, Contraindications: concomitant use of MAO inhibitors or within 14 days after their
    discontinuation."""
    row = summary(graph, "cyclobenzaprine", "phenelzine")
    assert row["severity"] == "contraindicated" and "monoamine oxidase inhibitors" in row["through"]
    assert row["mechanism"] == "pharmacodynamic" and "serotonin syndrome" in row["via"]


@pytest.mark.parametrize("opioid, benzodiazepine", [("oxycodone", "diazepam"), ("tramadol", "clonazepam"),
                                                    ("morphine", "diazepam")])
def test_opioid_with_benzodiazepine_carries_the_boxed_warning(graph, opioid: str, benzodiazepine: str) -> None:
    """Valium and Klonopin PI, Boxed Warning: 'Concomitant use of benzodiazepines and opioids may result in profound
    sedation, respiratory depression, coma, and death.' ANSM's PC level for the same pair is not graded, not minor."""
    row = summary(graph, opioid, benzodiazepine)
    assert row["severity"] == "major" and row["evidence"] == "regulatory label"
    assert "boxed warning" in row["levels"] and "respiratory depression" in row["labelText"]


def test_an_opioid_labels_true_skeletal_muscle_relaxants_are_the_neuromuscular_blockers(graph) -> None:
    """An older OXYCONTIN PI, 7.2: "Oxycodone may enhance the neuromuscular blocking action of true skeletal muscle
    relaxants and produce an increased degree of respiratory depression." The row named all muscle relaxants (ATC
    M03), so fenyramidol, a centrally acting one, got 'moderate' with a neuromuscular effect (audit of seed 1208,
    pair 3). It names the neuromuscular blocking agents now: rocuronium still has it, fenyramidol not."""
    def sources(drug: str) -> set[str]:
        return {r["sources"] for r in graph.query("interactions-between", drug=drug, other="oxycodone").dicts()}
    assert "label-oxycodone-oxycontin-superseded" in sources("rocuronium")
    assert "label-oxycodone-oxycontin-superseded" not in sources("fenyramidol")


def test_an_opioid_labels_cns_depressant_examples_reach_the_centrally_acting_relaxants(graph) -> None:
    """Morphine sulfate injection (Hospira), 7 Table 1, Benzodiazepines and Other CNS Depressants: "Examples:
    Benzodiazepines and other sedatives/hypnotics, anxiolytics, tranquilizers, muscle relaxants, general anesthetics
    ...". The graph's CNS-depressant class held only DrugCentral's members, so the label's row missed them; it now
    reaches the centrally acting relaxants (ATC M03B), tizanidine among them, and no neuromuscular blocker."""
    rows = graph.query("interactions-between", drug="tizanidine", other="morphine").dicts()
    assert any(r["sources"] == "label-morphine-pfizer-injection" and r["through"] == "centrally acting muscle relaxants"
               for r in rows), rows
    blocker = graph.query("interactions-between", drug="rocuronium", other="morphine").dicts()
    assert not any(r["through"] == "centrally acting muscle relaxants" for r in blocker)


@pytest.mark.parametrize("relaxant", ["carisoprodol", "tizanidine", "methocarbamol", "metaxalone"])
def test_a_relaxant_its_label_calls_a_cns_depressant_meets_the_opioid_box(graph, relaxant: str) -> None:
    """SOMA 5.1: "the sedative effects of carisoprodol and other CNS depressants ... may be additive" (and ZANAFLEX,
    ROBAXIN, metaxalone 5.2 in the same words): each label counts its drug among the CNS depressants. They were not
    members of the class, so the tramadol boxed warning ("RISKS FROM CONCOMITANT USE WITH BENZODIAZEPINES OR OTHER
    CNS DEPRESSANTS") did not reach carisoprodol + tramadol, which read moderate (audit of seed 1208, drug pairs #20)."""
    row = summary(graph, relaxant, "tramadol")
    assert row["severity"] == "major" and row["evidence"] == "regulatory label"
    assert "central nervous system depressants" in row["through"]


def test_a_drug_one_label_lists_beside_serotonergic_drugs_is_not_made_one(graph) -> None:
    """AMRIX: serotonin syndrome "when used in combination with other drugs, such as ... tramadol, bupropion,
    meperidine, verapamil, or MAO inhibitors". Read as memberships of 'serotonergic drugs', that list let every other
    label's serotonergic row reach verapamil: verapamil + sertraline got ZOLOFT's serotonin syndrome row, which
    ZOLOFT does not mean (audit of seed 1208). The pair cyclobenzaprine + verapamil keeps the AMRIX row, as a pair."""
    members = {r["drug"] for r in graph.query("drugs-in-class", **{"class": "serotonergic-drugs"}).dicts()}
    assert "https://w3id.org/mrkg/drug/verapamil" not in members and "https://w3id.org/mrkg/drug/bupropion" not in members
    assert "https://w3id.org/mrkg/drug/tramadol" in members
    row = summary(graph, "cyclobenzaprine", "verapamil")
    assert row["severity"] == "moderate" and "label-cyclobenzaprine-amrix" in row["levels"]
    assert not graph.interaction_summary("sertraline", "verapamil").rows


def test_oxycodone_with_an_ssri_is_a_label_dose_adjustment(graph) -> None:
    """OxyContin SmPC (CZ) 4.5 and OxyDuo SmPC (PL) 4.5: with serotonergic drugs such as SSRIs, serotonin toxicity;
    use with caution, a dose reduction may be needed. The pair read 'not graded' from DrugBank alone (audit of seed
    1208, drug pairs #14)."""
    row = summary(graph, "oxycodone", "sertraline")
    assert row["severity"] == "moderate" and row["evidence"] == "regulatory label"
    assert "label-oxycodone-oxycontin-cz-smpc" in row["levels"]


@pytest.mark.parametrize("other", ["vardenafil", "sotalol", "quinidine", "ondansetron", "levofloxacin", "tacrolimus"])
def test_quinine_with_qt_prolonging_drugs_is_avoided(graph, other: str) -> None:
    """Quinine sulfate capsules, Highlights 7: "Drugs known to prolong QT interval (e.g., Class IA and Class III
    antiarrhythmic agents) ... Avoid concomitant use (5.3)." The row had named only the class III antiarrhythmics, so
    vardenafil, whose LEVITRA label (5.7) says it prolongs the QT interval, read moderate (audit of seed 1208, pair
    24). Each member of 'drugs known to prolong the QT interval' cites its own label: e.g. ZOFRAN, "Ondansetron
    prolongs the QT interval in a dose-dependent manner"; levofloxacin 5.9; PROGRAF 5.14 "Prograf may prolong the
    QT/QTc interval" (ondansetron, levofloxacin and tacrolimus had read moderate from the databases)."""
    row = summary(graph, "quinine", other)
    assert row["severity"] == "major" and row["evidence"] == "regulatory label"


@pytest.mark.parametrize("blocker", ["rocuronium", "vecuronium", "suxamethonium", "pancuronium"])
def test_quinine_with_neuromuscular_blockers_is_avoided(graph, blocker: str) -> None:
    """Qualaquin PI 5.5: neuromuscular blocking agents should be avoided with quinine (it was 'moderate')."""
    row = summary(graph, "quinine", blocker)
    assert row["severity"] == "major" and "neuromuscular blocking agents" in row["through"]


def test_label_statements_keep_section_version_and_text(graph) -> None:
    rows = graph.query("""SELECT ?i ?detail ?text ?date WHERE { ?i mr:statedLevel level:label-contraindicated ;
        mr:sourceDetail ?detail ; mr:sourceText ?text ; dcterms:source ?s . OPTIONAL { ?s dcterms:date ?date } }""").dicts()
    assert len(rows) >= 5
    assert all("section" in r["detail"] and r["text"] for r in rows)
    assert any(r["date"] for r in rows), "at least one contraindication cites a dated label version"


def test_a_level_meant_for_a_third_drug_does_not_make_a_pair_major(graph) -> None:
    """Audit of seed 11: WorldVistA's 'Not recommended --with sodium oxybate' made 158 sedative pairs major (e.g.
    diazepam + ropinirole, line 4288); the ANSM original grades the pair 'à prendre en compte'."""
    row = summary(graph, "diazepam", "ropinirole")
    assert row["severity"] == "not graded" and "Not recommended (with a third drug)" in row["levels"]
    assert summary(graph, "sodium oxybate", "diazepam")["severity"] in ("major", "contraindicated")


# --- class rules -------------------------------------------------------------------------------------

def test_a_class_statement_reaches_each_member_and_says_so(graph) -> None:
    """The Valium boxed warning names 'opioids' once; each opioid member gets the pair, through the class."""
    rows = graph.query("interactions-between", drug="diazepam", other="fentanyl").dicts()
    valium = [r for r in rows if r["sources"] == "label-diazepam-valium"]
    assert valium and valium[0]["through"] == "opioids" and valium[0]["second"] == "opioids"
    assert graph.query("ASK { drug:diazepam mr:interactsWith drug:fentanyl }").boolean


def test_summaries_are_one_per_pair(graph) -> None:
    rows = graph.query("""SELECT ?a ?b (COUNT(?s) AS ?n) WHERE { ?s a mr:InteractionSummary ; mr:participant ?a , ?b .
        FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b HAVING (COUNT(?s) > 1)""").rows
    assert not rows


def test_every_shortcut_gives_the_pairs_of_its_pattern(graph) -> None:
    """The build writes each mr:shortcutOf property (the interaction-summary query reads them in one step); each must
    hold exactly the pairs of the pattern the ontology gives for it."""
    shortcuts = graph.query("SELECT ?p ?pattern WHERE { ?p mr:shortcutOf ?pattern }").rows
    assert len(shortcuts) == 4
    for prop, pattern in shortcuts:
        direct = {tuple(t.value for t in r) for r in graph.query(f"SELECT ?s ?v WHERE {{ ?s <{prop.value}> ?v }}").rows}
        path = {tuple(t.value for t in r) for r in graph.query(f"SELECT DISTINCT ?s ?v WHERE {{ {pattern.value} }}").rows}
        assert direct and direct == path, prop.value


def test_tizanidine_and_ciprofloxacin_summary_quotes_the_labels_and_names_cyp1a2(graph) -> None:
    """ZANAFLEX PI, 4 CONTRAINDICATIONS: "concomitant use with potent inhibitors of CYP1A2, such as fluvoxamine or
    ciprofloxacin"; the summary's label text and route come from the deciding label statements."""
    row = graph.interaction_summary("tizanidine", "ciprofloxacin").dicts()[0]
    assert row["severity"] == "contraindicated" and row["mechanism"] == "pharmacokinetic"
    assert "Cytochrome P450 1A2" in row["via"].split("; ")
    assert "CYP1A2" in row["labelText"] and row["management"]


def test_amitriptyline_with_fluvoxamine_is_at_least_what_the_smpc_says(graph) -> None:
    """Amitriptyline UK SmPC 4.5: "fluvoxamine (strong CYP1A2 inhibitor) was shown to increase amitriptyline plasma
    concentrations and this combination should be avoided". The pair was moderate, from databases and a class-level
    serotonin warning only (audit of seed 1206, S13); "avoid" maps to major."""
    row = graph.interaction_summary("amitriptyline", "fluvoxamine").dicts()[0]
    assert row["severity"] == "major" and row["evidence"] == "regulatory label"
    assert "rxreasoner-amitriptyline-uk-smpc: avoid" in row["levels"]


def test_xyrem_with_alcohol_is_contraindicated_and_names_muscle_relaxants(graph) -> None:
    """XYREM PI, 4 CONTRAINDICATIONS: "contraindicated for use in: ... combination with alcohol"; 5.1: concurrent use
    with other CNS depressants, "including ... muscle relaxants", may increase the risk of respiratory depression.
    The graph held neither (partner-label follow-up of 2026-12-04)."""
    row = graph.interaction_summary("sodium-oxybate", "ethanol").dicts()[0]
    assert row["severity"] == "contraindicated" and row["evidence"] == "regulatory label"
    baclofen = graph.interaction_summary("baclofen", "sodium-oxybate").dicts()[0]
    assert "rxreasoner-xyrem-precautions: mentioned" in baclofen["levels"] and baclofen["severity"] == "major"
    assert "centrally acting muscle relaxants" in baclofen["through"].split("; ")
    assert not [r for r in graph.query("interactions-between", drug="rocuronium", other="sodium-oxybate").dicts()
                if "xyrem" in (r.get("sources") or "")], "a neuromuscular blocker is no CNS depressant"


def test_neostigmine_with_suxamethonium_is_contraindicated_as_the_smpc_says(graph) -> None:
    """Neostigmine Bromide tablets, UK SmPC, Contraindications: "should not be used in conjunction with depolarising
    muscle relaxants such as suxamethonium as neuromuscular blockade may be potentiated and prolonged apnoea may
    result". The pair held only ANSM's ungraded "à prendre en compte" (held-out audit of 2026-12-07, fact 52)."""
    row = graph.interaction_summary("neostigmine", "suxamethonium").dicts()[0]
    assert row["severity"] == "contraindicated" and row["evidence"] == "regulatory label"
    assert "rxreasoner-neostigmine-bromide-tablet-alliance: contraindicated" in row["levels"]
    assert "ansm-thesaurus-2016" in row["levels"], "the thesaurus's own word stays beside the label's"


def test_succinylcholine_label_names_glucocorticoids_among_cholinesterase_lowering_drugs(graph) -> None:
    """Succinylcholine label, PRECAUTIONS: Drug Interactions: the block "may be enhanced by drugs that reduce plasma
    cholinesterase activity (e.g., chronically administered oral contraceptives, glucocorticoids, or certain monoamine
    oxidase inhibitors)". The contraceptives and MAO inhibitors were recorded, the glucocorticoids not (held-out audit
    of 2026-12-07, fact 51); they reach the pair through ATC H02AB, not through all systemic corticosteroids."""
    row = graph.interaction_summary("suxamethonium", "dexamethasone").dicts()[0]
    assert "label-suxamethonium-drugcentral-fb56c33d" in row["levels"] and row["evidence"] == "regulatory label"
    assert row["through"] == "glucocorticoids (systemic)"
    assert not [r for r in graph.interaction_summary("suxamethonium", "fludrocortisone").dicts()
                if "label-suxamethonium-drugcentral-fb56c33d" in r["levels"]], "a mineralocorticoid (H02AA) is not named"


def test_propoxyphene_as_the_orphenadrine_label_names_it(graph) -> None:
    """The orphenadrine labels name "propoxyphene" (confusion, anxiety and tremors); the graph held only
    "dextropropoxyphene", so the pair could not be asked for by the label's word (second held-out audit, 2026-12-07).
    DrugBank's open vocabulary lists Propoxyphene among DB00647's synonyms."""
    assert graph.resolve("propoxyphene") == graph.resolve("dextropropoxyphene")
    row = graph.interaction_summary("orphenadrine", "propoxyphene").dicts()[0]
    assert row["evidence"] == "regulatory label"


def test_summary_rules_on_a_fixture(mini_data: Path, tmp_path: Path) -> None:
    """Worst credible level wins, a class statement reaches its members, a two-step spread is a disagreement, and
    a web article's level does not count."""
    with (mini_data / "sources.tsv").open("a", encoding="utf-8") as f:
        f.write("label-x\tdrug-label\tLabel X\tHolder\t2024-11\thttps://example.org/x\tpublic domain\tyes\t\n")
    with (mini_data / "drugs.tsv").open("a", encoding="utf-8") as f:
        f.write("drug-c\tDrug C\tdrug\t\tref-a\t\n")
    with (mini_data / "class_membership.tsv").open("a", encoding="utf-8") as f:
        f.write("drug-c\tsub-class\tref-a\t\n")
    with (mini_data / "interactions.tsv").open("a", encoding="utf-8") as f:
        f.write("b-class\tdrug-b;top-class\t\t\tlabel-contraindicated\tunknown\t\t\t\t\t\t\tlabel-x\t4\n")
        f.write("b-c\tdrug-b;drug-c\t\t\tddinter-moderate\t\t\t\t\t\t\t\tref-a\t\n")
        f.write("b-c-article\tdrug-b;drug-c\t\t\tddinter-minor\t\t\t\t\t\t\t\tarticle-x\t\n")
    path = tmp_path / "mini.nq"
    build_to_file(path, mini_data)
    import kg

    graph = kg.load(path=path)
    row = graph.interaction_summary("drug-b", "drug-c").dicts()[0]
    assert row["severity"] == "contraindicated" and row["evidence"] == "regulatory label"
    assert row["disagreement"] == "true" and row["through"] == "Top class"
    assert "article-x" in row["levels"], "the article's level is shown, but does not decide"
    assert graph.interaction_summary("drug-b", "drug-a").dicts()[0]["severity"] == "contraindicated"


# --- coverage and names --------------------------------------------------------------------------

def test_french_names_find_the_same_substance(graph) -> None:
    assert graph.resolve("CIPROFLOXACINE") == graph.resolve("ciprofloxacin")
    assert graph.resolve("baclofene") == graph.resolve("baclofen")
    assert graph.query('ASK { drug:ciprofloxacin skos:altLabel "ciprofloxacine"@fr }').boolean


# --- mrkg check ----------------------------------------------------------------------------------

def test_check_shows_summary_sources_warnings_and_predictions(graph) -> None:
    report = graph.check(["oxycodone", "Valium", "tizanidine"])
    worst = report.pairs[0]
    assert [report.pairs[i].rank for i in range(len(report.pairs))] == sorted(p.rank for p in report.pairs)
    assert worst.summary["severity"] == "contraindicated" or worst.rank <= 2
    pair = next(p for p in report.pairs if {p.drug.rsplit("/", 1)[-1], p.other.rsplit("/", 1)[-1]} == {"oxycodone", "diazepam"})
    assert pair.summary["severity"] == "major" and len(pair.statements) >= 3
    assert any(w["topic"] == "boxed-warning" and w["drugLabel"] == "diazepam" for w in report.warnings)
    text = report.to_text()
    assert "oxycodone + diazepam: MAJOR" in text and "BOXED WARNINGS" in text and "PREDICTED" in text


def test_check_json_holds_recorded_and_predicted(graph) -> None:
    data = json.loads(graph.check(["tizanidine", "atracurium", "ciprofloxacin"]).to_json())
    assert data["pairs"] and data["predicted"]
    assert {"summary", "statements"} <= set(data["pairs"][0])
    sections = {row[0].value for row in graph.check(["tizanidine", "atracurium", "ciprofloxacin"]).to_result().rows}
    assert {"summary", "statement", "predicted"} <= sections


def test_check_needs_two_drugs(graph) -> None:
    import kg

    with pytest.raises(kg.QueryError, match="at least two"):
        graph.check(["baclofen", "Lioresal"])
