"""The whole field: the famous cases every pharmacologist checks, each pinned to the sources the graph cites.

Sources: tizanidine + CYP1A2 inhibitors — NDF-RT 2014, ONC high-priority list (Phansalkar 2012), DrugBank 4;
cyclobenzaprine + MAO inhibitors — NDF-RT 2014; carisoprodol schedule IV — 21 CFR 1308.14 and its label
section 9.1; carisoprodol → meprobamate via CYP2C19 — its label and DrugBank 4; dantrolene hepatotoxicity —
the boxed warning of its label and NIH LiverTox.
"""

from __future__ import annotations

import pytest

M03_DRUGS = ["baclofen", "tizanidine", "cyclobenzaprine", "carisoprodol", "methocarbamol", "chlorzoxazone",
             "orphenadrine", "tolperisone", "eperisone", "thiocolchicoside", "dantrolene", "suxamethonium",
             "rocuronium", "vecuronium", "atracurium", "cisatracurium", "pancuronium", "mivacurium",
             "botulinum-toxin-type-a", "metaxalone"]


@pytest.mark.parametrize("drug", M03_DRUGS)
def test_m03_drugs_are_muscle_relaxants(graph, drug: str) -> None:
    """Each is in the graph with a DrugBank id and, except metaxalone (no WHO code), under ATC M03."""
    assert graph.query(f"ASK {{ drug:{drug} mr:drugbankId ?id }}").boolean
    in_m03 = graph.query(f"ASK {{ drug:{drug} mr:memberOf/mr:parentClass* class:muscle-relaxants }}").boolean
    assert in_m03 or drug == "metaxalone"


def test_tizanidine_with_cyp1a2_inhibitors(graph) -> None:
    recorded = {r["partner"]: r["severity"] for r in graph.query("drug-interactions", drug="tizanidine").dicts()
                if r["severity"] in ("contraindicated", "major")}
    assert {"ciprofloxacin", "fluvoxamine"} <= set(recorded)
    predicted = graph.query("predicted-interactions", drug="tizanidine").dicts()
    cyp1a2 = {r["partner"]: r["recorded"] for r in predicted if r["via"] == "Cytochrome P450 1A2"}
    assert cyp1a2.get("ciprofloxacin") == "yes" and cyp1a2.get("fluvoxamine") == "yes"


def test_cyclobenzaprine_with_mao_inhibitors(graph) -> None:
    rows = graph.query("drug-interactions", drug="cyclobenzaprine").dicts()
    assert any(r["partner"] == "phenelzine" and r["severity"] in ("contraindicated", "major") for r in rows)


def test_carisoprodol_schedule_and_metabolite(graph) -> None:
    warnings = graph.query("drug-warnings", drug="carisoprodol", topic="controlled-substance").dicts()
    assert warnings and "Schedule IV" in warnings[0]["detail"]
    assert graph.query("ASK { drug:carisoprodol mr:hasMetabolite drug:meprobamate }").boolean
    via = graph.query("""SELECT ?enzyme WHERE { ?m a mr:Metabolism ; mr:drug drug:carisoprodol ;
        mr:metabolite drug:meprobamate ; mr:viaTarget/mr:geneSymbol ?enzyme }""").column("enzyme")
    assert "CYP2C19" in via


def test_dantrolene_liver_warning(graph) -> None:
    rows = graph.query("drug-warnings", drug="dantrolene").dicts()
    topics = {r["topicLabel"] for r in rows}
    assert "boxed warning" in topics and ({"hepatotoxicity", "hepatic impairment"} & topics)
    assert any("hepatitis" in r["detail"] or "liver" in r["detail"] for r in rows)


def test_beers_criteria_muscle_relaxants(graph) -> None:
    rows = graph.query("drug-warnings", topic="older-adults").dicts()
    avoid = {r["drugLabel"] for r in rows if r["recommendation"] == "avoid"}
    assert {"carisoprodol", "cyclobenzaprine", "methocarbamol", "metaxalone", "orphenadrine", "chlorzoxazone"} <= avoid


def test_predictions_name_rule_and_path(graph) -> None:
    rows = graph.query("predicted-interactions").dicts()
    assert rows and all(r["rule"] and r["path"] and r["recorded"] in ("yes", "no") for r in rows)
    assert {r["recorded"] for r in rows} == {"yes", "no"}, "some predictions are new, some already recorded"
    cns = [r for r in rows if r["rule"] == "additive CNS depression"]
    assert cns and all("—member of→ central nervous system depressants ←member of—" in r["path"] for r in cns)


def test_prediction_rules_are_data_that_the_query_reads(graph) -> None:
    """Each rule of ontology/prediction-rules.ttl names an effect or class of the graph and predicts something; the
    query holds no effect or class of its own."""
    from kg.paths import QUERIES_DIR

    text = (QUERIES_DIR / "predicted-interactions.rq").read_text(encoding="utf-8")
    assert "effect:" not in text and "class:" not in text and "VALUES" not in text
    rules = graph.query("""SELECT ?label ?on WHERE { ?rule a mr:PredictionRule ; rdfs:label ?label ;
                                                     mr:ruleEffect|mr:ruleClass ?on . ?on rdfs:label ?name }""").dicts()
    assert len(rules) == len(graph.query("SELECT ?rule WHERE { ?rule a mr:PredictionRule }").rows) >= 6
    predicted = {r["rule"] for r in graph.query("predicted-interactions").dicts()}
    assert {"additive CNS depression", "additive respiratory depression", "additive hypotensive effect"} <= predicted


def test_neuromuscular_blockers_with_aminoglycosides(graph) -> None:
    rows = graph.query("interactions-between", drug="rocuronium", other="gentamicin").dicts()
    assert rows and rows[0]["severity"] in ("major", "moderate")
