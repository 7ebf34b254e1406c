"""The label layer: what each drug's regulatory label says, and the corrections it brings (issue 12).

Each correction is pinned on the real graph with the label it rests on; the rules behind them (only a
label's "approved" draws mr:indicatedFor; a label's word about a pair overrules other sources' plain
edges; ATC decides memberships in ATC classes against a database) are tested on the fixture tables too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import append, replace
from kg.build.builder import build_dataset
from kg.errors import DataError
from kg.iris import BASE
from kg.vocab import MR

DRUG, CONDITION, CLASS = BASE + "drug/", BASE + "condition/", BASE + "class/"


def edges(graph, drug: str, prop: str) -> set[str]:
    rows = graph.query(f"SELECT ?c WHERE {{ <{DRUG}{drug}> {prop} ?c }}").rows
    return {row[0].value for row in rows}


# --- the four corrections of issue 12, each with its label ------------------------------------------------


def test_dantrolene_is_not_indicated_for_rheumatic_muscle_spasm(graph) -> None:
    """DANTRIUM capsules label, INDICATIONS AND USAGE: "not indicated in the treatment of skeletal muscle spasm
    resulting from rheumatic disorders". The label approves spasticity and malignant hyperthermia only, so nothing
    draws mr:indicatedFor muscle spasm; DrugCentral's "approved" and MEDI's listing stay their own statements and
    candidates. The label's negative names the narrower condition, as the same sentence does in the baclofen labels
    (audit of seed 1204, I3: it had been recorded as muscle spasm in general)."""
    assert CONDITION + "muscle-spasm" not in edges(graph, "dantrolene", "mr:indicatedFor")
    rows = graph.query("drug-uses", drug="dantrolene").rows
    by_source = {(r[1].value, r[2].value, r[3].value): r[7].value for r in rows}
    assert ("skeletal muscle spasm resulting from rheumatic disorders", "not indicated", "regulatory label") in by_source
    assert not any(key[0] == "muscle spasm" and key[2] == "regulatory label" for key in by_source)
    assert any(key[:2] == ("muscle spasm", "approved") and key[2] == "database" for key in by_source), \
        "the databases' own claim stays visible beside the label"
    text = graph.query("""SELECT ?t WHERE { ?i a mr:Indication ; mr:drug drug:dantrolene ;
                            mr:condition condition:rheumatic-skeletal-muscle-spasm ;
                            mr:approvalStatus mr:status-not-indicated ; mr:sourceText ?t }""").rows
    assert "rheumatic disorders" in text[0][0].value
    baclofen = {r[1].value for r in graph.query("drug-uses", drug="baclofen").rows if r[2].value == "not indicated"}
    assert "skeletal muscle spasm resulting from rheumatic disorders" in baclofen, "one sentence, one condition"


def test_botox_is_approved_for_chronic_migraine(graph) -> None:
    """BOTOX (onabotulinumtoxinA) PI section 1: prophylaxis of headaches in adult patients with chronic migraine."""
    assert CONDITION + "chronic-migraine" in edges(graph, "botulinum-toxin-type-a", "mr:indicatedFor")
    rows = graph.query("drug-uses", drug="botulinum-toxin-type-a").rows
    chronic = [r for r in rows if r[1].value == "chronic migraine"]
    assert chronic and chronic[0][2].value == "approved" and chronic[0][3].value == "regulatory label"
    assert "adult" in chronic[0][6].value.lower()


def test_cyclobenzaprine_sublingual_is_approved_for_fibromyalgia(graph) -> None:
    """TONMYA (cyclobenzaprine HCl sublingual tablets) PI section 1: management of fibromyalgia in adults."""
    assert CONDITION + "fibromyalgia" in edges(graph, "cyclobenzaprine", "mr:indicatedFor")
    rows = [r for r in graph.query("drug-uses", drug="cyclobenzaprine").rows if r[1].value == "fibromyalgia"]
    assert rows[0][2].value == "approved" and rows[0][4].value == "sublingual"
    assert "label-cyclobenzaprine-tonmya" in rows[0][7].value


def statuses(graph, drug: str, condition: str) -> dict[str, set[str]]:
    """Source id → the statuses its statements give the pair (drug and condition bound as parameters)."""
    from kg.store import Term

    rows = graph.store.query("""SELECT ?d ?c ?status ?source WHERE { ?i a mr:Indication ; mr:drug ?d ; mr:condition ?c ;
                                  mr:approvalStatus/mr:code ?status ; dcterms:source/dcterms:identifier ?source }""",
                             {"d": Term.iri(DRUG + drug), "c": Term.iri(CONDITION + condition)}).rows
    found: dict[str, set[str]] = {}
    for _, _, status, source in rows:
        found.setdefault(source.value, set()).add(status.value)
    return found


def test_a_database_that_lists_an_indication_does_not_approve_it_nor_call_it_off_label(graph) -> None:
    """Audit of issue 12 (seed 12). LYRICA PI section 1: "Adjunctive therapy for the treatment of partial-onset seizures
    in patients 1 month of age and older" (openFDA set id ebe34db4-816d-4f0a-adbb-826693662754), where MEDI's
    not-flagged pair had become "off-label". NEURONTIN PI section 1 lists postherpetic neuralgia and partial-onset
    seizures only (set id eeb19a5a-b31d-4df8-9546-0b2b5eb5db07), where PharmacotherapyDB's physician-curated
    gabapentin-migraine pair had become "approved". Both databases now say "listed"; the label says "approved"."""
    assert statuses(graph, "pregabalin", "epilepsy")["medi-2013"] == {"listed"}
    assert statuses(graph, "pregabalin", "partial-onset-seizures")["label-pregabalin-lyrica"] == {"approved"}
    assert statuses(graph, "gabapentin", "migraine")["pharmacotherapydb-1-0"] == {"listed"}
    assert CONDITION + "migraine" not in edges(graph, "gabapentin", "mr:indicatedFor|mr:usedOffLabelFor")
    assert CONDITION + "migraine" in edges(graph, "gabapentin", "mr:candidateIndicationFor")
    every = graph.query("""SELECT DISTINCT ?source ?status WHERE { ?i a mr:Indication ; mr:approvalStatus/mr:code ?status ;
                             dcterms:source/dcterms:identifier ?source FILTER(?source IN ("medi-2013", "pharmacotherapydb-1-0")) }""")
    assert {(r[0].value, r[1].value) for r in every.rows} <= {("medi-2013", "listed"), ("pharmacotherapydb-1-0", "listed"),
                                                              ("pharmacotherapydb-1-0", "not-indicated")}


def test_dantrolene_is_directly_acting_as_atc_files_it(graph) -> None:
    """ATC M03CA01: dantrolene is a directly acting muscle relaxant (M03C). DrugCentral's MeSH listing under the
    centrally acting ones (M03B) is kept as DrugCentral's view (mr:listedInClass), and class queries follow ATC."""
    assert CLASS + "centrally-acting-muscle-relaxants" not in edges(graph, "dantrolene", "mr:memberOf")
    assert CLASS + "centrally-acting-muscle-relaxants" in edges(graph, "dantrolene", "mr:listedInClass")
    central = {r[1].value for r in graph.query("drugs-in-class", **{"class": "centrally acting muscle relaxants"}).rows}
    direct = {r[1].value for r in graph.query("drugs-in-class", **{"class": "directly acting muscle relaxants"}).rows}
    assert DRUG + "dantrolene" in direct and DRUG + "dantrolene" not in central
    assert DRUG + "baclofen" in central  # ATC M03BX01


# --- the label facts and their queries ---------------------------------------------------------------------


def test_succinylcholine_contraindications_name_malignant_hyperthermia(graph) -> None:
    """ANECTINE label, CONTRAINDICATIONS: personal or familial history of malignant hyperthermia, skeletal muscle
    myopathies; after the acute phase of major burns, multiple trauma, extensive denervation or upper motor
    neuron injury."""
    rows = graph.query("contraindications", drug="succinylcholine").rows
    conditions = {r[1].value: r for r in rows}
    assert {"malignant hyperthermia susceptibility", "skeletal muscle myopathy", "major burns"} <= set(conditions)
    assert all(r[2].value == "absolute" for r in rows)
    burns = {r["condition"]: r for r in graph.query("contraindications", drug="succinylcholine").dicts()}["major burns"]
    assert "acute phase" in (burns["population"] or "") and burns["section"] == "CONTRAINDICATIONS"
    named = {r[1].value for r in graph.query("drugs-contraindicated-in",
                                              condition="malignant-hyperthermia-susceptibility").rows}
    assert DRUG + "suxamethonium" in named


def boxed_warnings(graph, drug: str) -> set[str]:
    rows = graph.query(f"SELECT ?w WHERE {{ ?w <{MR}drug> <{DRUG}{drug}> ; <{MR}warningTopic> <{MR}topic-boxed-warning> }}").rows
    return {row[0].value.rsplit("/", 1)[1] for row in rows}


def test_a_warning_outside_the_box_is_no_boxed_warning(graph) -> None:
    """ZEMURON (rocuronium) has no boxed warning: "This drug should only be administered by experienced clinicians ..."
    is in 2.1 Important Dosing and Administration Information. Anectine's box is the hyperkalaemic cardiac arrest of
    children with undiagnosed myopathy; its "used only by those skilled in the management of artificial respiration"
    is a WARNINGS paragraph in bold capitals. Both are the topic administration, so rocuronium has no boxed warning."""
    assert boxed_warnings(graph, "rocuronium") == set()
    assert boxed_warnings(graph, "suxamethonium") == {"suxamethonium-boxed-warning-hyperkalemic-arrest"}
    topics = graph.query(f"SELECT ?t WHERE {{ <{BASE}warning/rocuronium-administration-experienced-clinicians-zemuron> "
                         f"<{MR}warningTopic> ?t }}").rows
    assert [row[0].value for row in topics] == [f"{MR}topic-administration"]
    coverage = {r[1].value: r for r in graph.query("label-coverage").rows}
    assert int(coverage["rocuronium"][4].value) == 0  # the boxedWarning column


def test_units_not_interchangeable_is_how_a_toxin_is_given_not_an_overdose(graph) -> None:
    """BOTOX (Highlights, 5.1, 11) and MYOBLOC (2.1): each product's Units cannot be interchanged with or converted to
    another botulinum toxin's. That is a warning about how the product is given (topic administration); it was filed
    under overdose, whose signs and handling it does not describe."""
    rows = graph.query(f"SELECT ?w ?t WHERE {{ ?w <{MR}drug> ?d ; <{MR}warningTopic> ?t ; <{MR}sourceText> ?text "
                       f"FILTER(CONTAINS(LCASE(STR(?text)), 'interchange')) }}").rows
    topics = {row[0].value.rsplit("/", 1)[1]: row[1].value.rsplit("-", 1)[-1] for row in rows}
    assert {"botulinum-toxin-type-a-administration-botox-units",
            "botulinum-toxin-type-b-administration-myobloc-units"} <= set(topics)
    assert set(topics.values()) == {"administration"}, topics


def test_a_label_read_without_a_box_says_so(graph) -> None:
    """That a label has no boxed warning is a fact of its own (label_boxes.tsv), not the absence of a row: the Sagent
    rocuronium label and BRIDION open with their Highlights and go straight to 1 INDICATIONS AND USAGE, while the
    GABLOFEN label opens with "WARNING: DO NOT DISCONTINUE ABRUPTLY" and the oral baclofen labels have no box.
    label-coverage shows both findings, stats-labels counts the drugs so read, and show's label section holds it."""
    coverage = {r["drug"]: r for r in graph.query("label-coverage").dicts()}
    assert coverage["https://w3id.org/mrkg/drug/rocuronium"]["boxRead"] == "no box"
    assert coverage["https://w3id.org/mrkg/drug/sugammadex"]["boxRead"] == "no box"
    assert set(coverage["https://w3id.org/mrkg/drug/baclofen"]["boxRead"].split("; ")) == {"box", "no box"}
    assert coverage["https://w3id.org/mrkg/drug/atracurium"]["boxRead"] is None  # its start was not clear: nothing said
    readings = graph.query(f"""SELECT ?route ?boxed WHERE {{ ?r a <{MR}BoxReading> ; <{MR}drug> <{DRUG}baclofen> ;
        <{MR}hasBoxedWarning> ?boxed ; <{MR}administrationRoute>/<{MR}code> ?route }}""").dicts()
    assert {(r["route"], r["boxed"]) for r in readings} == {("oral", "false"), ("intrathecal", "true")}
    rows = {r["measure"]: int(r["count"]) for r in graph.query("stats-labels").dicts()}
    assert rows["drugs with a label read for a box"] >= 16
    from kg.describe import infobox

    said = {v.text: v.sources for v in dict(infobox(graph.store, DRUG + "rocuronium").rows)["boxed warning"]}
    assert said == {"none on the label of intravenous": ["label-rocuronium-sagent"]}
    baclofen = {v.text for v in dict(infobox(graph.store, DRUG + "baclofen").rows)["boxed warning"]}
    assert "none on the label of oral, Ozobax" in baclofen and len(baclofen) > 2


def test_the_oral_capsules_boxed_warning_says_oral(graph) -> None:
    """Dantrolene capsules, BOXED WARNING: hepatotoxicity of oral dantrolene; RYANODEX and the other intravenous products
    carry no such box. Both boxed-warning rows of dantrolene say route oral, and drug-warnings shows it (second held-out
    audit of 2026-12-07, fact 18: the box read as RYANODEX's)."""
    rows = graph.query("drug-warnings", drug="dantrolene", topic="boxed-warning").dicts()
    assert len(rows) >= 2 and {r["route"] for r in rows} == {"oral"}


def test_route_limited_contraindication_keeps_its_route(graph) -> None:
    """BOTOX PI section 4: urinary tract infection and urinary retention contraindicate intradetrusor use only."""
    rows = graph.query("contraindications", drug="botulinum-toxin-type-a").rows
    routes = {r[1].value: r[3].value if r[3] else None for r in rows}
    assert routes.get("urinary tract infection") == "intradetrusor"
    assert routes.get("hypersensitivity to the drug") is None


def test_neuraxial_contraindications_are_the_epidural_and_intrathecal_routes_only(graph) -> None:
    """Preservative-free morphine sulfate injection PI (Hospira), 4 CONTRAINDICATIONS: "Neuraxial administration ... is
    contraindicated in patients with: Infection at the injection microinfusion site ... Uncontrolled bleeding
    diathesis". Read without its route, the row contraindicated intravenous morphine in a bleeding patient too."""
    rows = graph.query("contraindications", drug="morphine").rows
    routes: dict[str, set] = {}
    for r in rows:
        routes.setdefault(r[1].value, set()).add(r[3].value if r[3] else None)
    assert routes["uncontrolled bleeding diathesis"] == {"epidural", "intrathecal"}
    assert routes["infection at the injection site"] == {"epidural", "intrathecal"}
    assert None in routes["significant respiratory depression"]


def test_an_oral_labels_contraindications_say_oral(graph) -> None:
    """Audit of issue 12 (seed 12, C17). VALIUM (diazepam tablets) label, CONTRAINDICATIONS: "contraindicated in patients
    with myasthenia gravis, severe respiratory insufficiency, severe hepatic insufficiency, and sleep apnea syndrome";
    the injection's label has no such line, so the tablets' contraindications carry the route."""
    rows = graph.query("contraindications", drug="diazepam").rows
    routes = {r[1].value: r[3].value if r[3] else None for r in rows}
    for condition in ("myasthenia gravis", "severe hepatic insufficiency", "sleep apnea syndrome"):
        assert routes.get(condition) == "oral", (condition, routes)


def test_one_label_sentence_one_condition(graph) -> None:
    """Audit of issue 12 (seed 12, I4). The orphenadrine citrate extended-release tablets and injection labels, like
    methocarbamol's and metaxalone's, are "indicated as an adjunct to rest, physical therapy, and other measures for
    the relief of discomfort associated with acute painful musculoskeletal conditions": one condition for all three,
    not the broader musculoskeletal pain."""
    for drug in ("orphenadrine", "methocarbamol", "metaxalone"):
        assert CONDITION + "acute-painful-musculoskeletal-conditions" in edges(graph, drug, "mr:indicatedFor"), drug
    assert CONDITION + "musculoskeletal-pain" not in edges(graph, "orphenadrine", "mr:indicatedFor")


def test_pharmacokinetic_values_are_numbers_with_units(graph) -> None:
    """Typed values: every value is an xsd:decimal with a unit from ontology/values.ttl; ranges run low to high."""
    rows = graph.query("class-pharmacokinetics", **{"class": "muscle-relaxants"}).rows
    assert len(rows) >= 20
    tizanidine = [r for r in rows if r[2].value == "tizanidine" and r[3].value == "elimination half-life"]
    assert tizanidine and tizanidine[0][6].value == "h"
    # the Swiss label's 8-9 h is the modified-release capsule's, beside the tablet's 2-4 h (held-out audit, 2026-12-07)
    forms = {(r[4].value, r[9].value if r[9] else None) for r in tizanidine}
    assert {("8", "extended-release capsule"), ("2", "tablet")} <= forms, forms
    for row in rows:
        assert float(row[4].value) >= 0 and row[6].value
        if row[5] is not None:
            assert float(row[5].value) >= float(row[4].value)


def test_organ_impairment_and_pregnancy_queries_quote_the_label(graph) -> None:
    rows = graph.query("organ-impairment").rows
    assert {r[2].value for r in rows} == {"renal impairment", "hepatic impairment"}
    assert any(r[1].value == "cyclobenzaprine" and r[6] is not None for r in rows), "the label sentence is kept"
    lactation = graph.query("pregnancy-lactation", drug="pregabalin").rows
    assert lactation and all(r[2].value in ("pregnancy", "lactation") for r in lactation)


def test_stats_report_the_label_layer(graph) -> None:
    rows = {r[0].value: int(r[1].value) for r in graph.query("stats-labels").rows}
    assert len(rows) == 11 and rows["label sources with a version date"] >= 80
    assert rows["drugs with a regulatory label source"] >= 40
    assert rows["drugs with a contraindication"] >= 20 and rows["drugs with pharmacokinetic values"] >= 15
    coverage = {r[1].value: r for r in graph.query("label-coverage").rows}
    assert int(coverage["suxamethonium"][3].value) >= 5  # contraindications


def test_the_label_layers_reach_counts_what_labels_state(graph) -> None:
    """stats-labels measures the label layer: a contraindication that only a database or an abstract states
    (alcuronium's, from indice.eu) counts in label-coverage but not here."""
    rows = {r[0].value: int(r[1].value) for r in graph.query("stats-labels").rows}
    def drugs(where: str) -> int:
        return int(graph.query(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a mr:Drug . ?x mr:drug ?d ; {where} }}").rows[0][0].value)
    assert rows["drugs with a contraindication"] == drugs("a mr:Contraindication ; mr:evidenceLevel mr:evidence-regulatory-label")
    assert rows["drugs with a contraindication"] < drugs("a mr:Contraindication")
    assert rows["drugs with pharmacokinetic values"] == drugs("a mr:PharmacokineticValue ; mr:evidenceLevel mr:evidence-regulatory-label")


def test_withdrawn_and_suspended_drugs_say_so(graph) -> None:
    """A drug off the market says where, when and on whose word (issue 12): EMA, tetrazepam referral (CMDh position of
    24 April 2013): "the marketing authorisations should be suspended throughout the EU"; ANSM on Décontractyl: "Ce
    retrait entrera en vigueur le 28 juin 2019"; Sanofi's Dear Doctor letter of 7 November 1996: "we shall discontinue
    supplying Trancopal on November 15th, 1996"."""
    actions = {(r[1].value, r[2].value, r[3].value, r[4].value, r[6].value)
               for r in graph.query("regulatory-actions").rows}
    assert ("tetrazepam", "suspended", "European Union", "2013-04-24", "ema-tetrazepam-referral-2013") in actions
    assert ("mephenesin", "withdrawn", "France", "2019-06-28", "ansm-decontractyl-retrait-amm-2019") in actions
    assert ("chlormezanone", "discontinued by its holder", "United States", "1996-11-15",
            "fda-medwatch-trancopal-1996") in actions
    assert {r[1].value for r in graph.query("regulatory-actions", drug="Myolastan").rows} == {"tetrazepam"}
    coverage = {r[1].value: r for r in graph.query("label-coverage").rows}
    assert set(coverage["tetrazepam"][11].value.split("; ")) == {"suspended", "withdrawn"}  # EU 2013, Germany 2021
    assert set(coverage["tolperisone"][11].value.split("; ")) == {"restricted", "withdrawn"}  # oral; injectable
    assert coverage["baclofen"][11] is None  # no action: unbound


def test_eu_referrals_and_us_withdrawals_are_actions(graph) -> None:
    """Why older labels are not current, on a regulator's word: EMA, carisoprodol referral (CHMP, November 2007): "all
    marketing authorisations for these products should be suspended throughout Europe"; EMA, tolperisone referral
    (confirmed 18 October 2012): "their use should be restricted to the treatment of adults with post-stroke
    spasticity"; Federal Register 70 FR 10651 (Hospira NDA 6-095 Tubocurarine Chloride Injection, effective April 4,
    2005): "The holders of the applications notified the agency ... that the drug products were no longer marketed"."""
    actions = {(r[1].value, r[2].value, r[3].value, r[4].value, r[6].value)
               for r in graph.query("regulatory-actions").rows}
    assert ("carisoprodol", "suspended", "European Union", "2007-11", "ema-carisoprodol-referral-2007") in actions
    assert ("tolperisone", "restricted", "European Union", "2012-10-18", "ema-tolperisone-referral-2012") in actions
    assert ("tubocurarine", "withdrawn", "United States", "2005-04-04", "fda-fr-2005-4158") in actions


def test_older_relaxants_carry_their_last_label(graph) -> None:
    """Drugs with no current US or EU label keep the last national one (issue 12, label layer). DECONTRACTYL 500 mg RCP
    (ANSM, 30/11/2015), 4.1: "Traitement d'appoint des contractures musculaires douloureuses", 4.3: "porphyrie"; ANSM
    withdrew the authorisation from 28 June 2019. GAMAKUİL 400 mg KÜB (phenprobamate, Turkey), 4.2: "Günlük maksimum
    dozu 2,4 g'ı aşmamalıdır". Flaxedil CPS monograph (gallamine), Contra-Indications: "iodine sensitivity"."""
    uses = {(r[1].value, r[2].value, r[3].value, r[4].value if r[4] else None)
            for r in graph.query("drug-uses", drug="mephenesin").rows}
    assert ("painful muscle contractures", "approved", "regulatory label", "oral") in uses
    assert "porphyria" in {r[1].value for r in graph.query("contraindications", drug="mephenesin").rows}
    warnings = {r["topic"]: r["sources"] for r in graph.query("drug-warnings", drug="mephenesin").dicts()}
    assert "ansm-decontractyl-retrait-amm-2019" in warnings["abuse-potential"], "the withdrawal is a sourced fact"
    limit = graph.query(f"""SELECT ?value ?unit WHERE {{ ?d a mr:DoseLimit ; mr:drug <{DRUG}phenprobamate> ;
                              mr:doseLimitKind mr:limit-max-daily-dose ; mr:quantityValue ?value ; mr:unit/mr:code ?unit }}""").rows
    assert [(str(r[0].value), r[1].value) for r in limit] == [("2.4", "g")]
    assert "hypersensitivity to iodine" in {r[1].value for r in graph.query("contraindications", drug="gallamine").rows}


def test_a_withdrawn_drugs_label_use_says_the_drug_was_withdrawn(graph) -> None:
    """ANSM, 21 June 2019: the DECONTRACTYL authorisations are withdrawn from 28 June 2019. Its RCP's "approved" use is
    the last label's word; drug-uses said "approved" with nothing beside it (audit of seed 1205, I22)."""
    rows = graph.query("drug-uses", drug="mephenesin").dicts()
    assert rows and all(r["marketing"] == "withdrawn (France, 2019-06-28)" for r in rows)
    botox = {(r["condition"], r["brand"]) for r in graph.query("drug-uses", drug="Botox").dicts()}
    assert ("chronic migraine", "Botox") in botox and ("chronic sialorrhea", "Xeomin") in botox


# --- the rules, on the fixture tables ----------------------------------------------------------------------------


def build(data: Path):
    return build_dataset(data)


def plain(dataset, s: str, p, o: str) -> bool:
    return any((BASE + s, p, BASE + o) in {(str(a), b, str(c)) for a, b, c in g} for g in dataset.graphs())


def test_only_a_label_makes_a_use_approved(mini_data: Path) -> None:
    """A database's "approved" draws mr:candidateIndicationFor; the label's draws mr:indicatedFor."""
    append(mini_data, "indications.tsv", "drug-b", "cond-a", "approved", "", "database", "", "", "", "", "", "ref-a", "")
    dataset = build(mini_data)
    assert plain(dataset, "drug/drug-a", MR.indicatedFor, "condition/cond-a")
    assert plain(dataset, "drug/drug-b", MR.candidateIndicationFor, "condition/cond-a")
    assert not plain(dataset, "drug/drug-b", MR.indicatedFor, "condition/cond-a")


def test_a_label_saying_not_indicated_drops_the_candidate_edge(mini_data: Path) -> None:
    append(mini_data, "indications.tsv", "drug-b", "cond-a", "approved", "", "database", "", "", "", "", "", "ref-a", "")
    append(mini_data, "indications.tsv", "drug-b", "cond-a", "not-indicated", "", "regulatory-label", "", "", "", "", "",
           "label-a", "1 INDICATIONS AND USAGE")
    dataset = build(mini_data)
    assert not plain(dataset, "drug/drug-b", MR.candidateIndicationFor, "condition/cond-a")
    statuses = {str(o) for g in dataset.graphs() for s, o in g.subject_objects(MR.approvalStatus)}
    assert {str(MR["status-approved"]), str(MR["status-not-indicated"])} <= statuses, "both statements stay"


def test_label_evidence_needs_a_label_source(mini_data: Path) -> None:
    append(mini_data, "indications.tsv", "drug-b", "cond-a", "approved", "", "regulatory-label", "", "", "", "", "", "ref-a", "")
    with pytest.raises(DataError, match=r"indications\.tsv:\d+.*needs a source of kind drug-label"):
        build(mini_data)


@pytest.mark.parametrize("cells, message", [
    (("drug-a", "half-life", "two", "", "h"), "value 'two' is not a number"),
    (("drug-a", "half-life", "4", "2", "h"), "value_max 2 is below value 4"),
    (("drug-a", "half-life", "4", "", "hours"), "'hours' is not allowed in column 'unit'"),
    (("drug-a", "shelf-life", "4", "", "h"), "'shelf-life' is not allowed in column 'parameter'"),
    (("drug-a", "half-life", "-1", "", "h"), "must be a finite number of at least 0"),
])
def test_bad_pharmacokinetic_rows_name_the_cell(mini_data: Path, cells: tuple[str, ...], message: str) -> None:
    append(mini_data, "pharmacokinetics.tsv", *cells, "", "", "", "", "", "label-a", "")
    with pytest.raises(DataError, match=r"pharmacokinetics\.tsv:3[: ].*" + message.replace("(", r"\(")):
        build(mini_data)


def test_bad_contraindication_strength(mini_data: Path) -> None:
    replace(mini_data, "contraindications.tsv", "\tabsolute\t", "\tsevere\t")
    with pytest.raises(DataError, match=r"contraindications\.tsv:2 .*'severe' is not allowed in column 'strength'"):
        build(mini_data)


@pytest.mark.parametrize("brand, error", [("Brandy", None), ("brandy", None), ("Nobrand", "brand 'Nobrand' is not a brand of drug-a")])
def test_a_fact_of_one_brand_names_a_brand_of_its_drug(mini_data: Path, brand: str, error: str | None) -> None:
    append(mini_data, "dose_limits.tsv", "drug-a", "max-single-dose", "20", "mg", "oral", "", "", brand, "", "label-a", "")
    if error:
        with pytest.raises(DataError, match=r"dose_limits\.tsv:3:\d+ .*" + error):
            build(mini_data)
    else:
        dataset = build(mini_data)
        assert any(str(o) == brand for _, _, o, _ in dataset.quads((None, MR.forBrand, None, None)))


def test_database_membership_against_atc_is_the_databases_view(mini_data: Path) -> None:
    """A database places drug-a in a class whose ATC code does not prefix drug-a's: mr:listedInClass, not memberOf."""
    append(mini_data, "identifiers.tsv", "drug-a", "atc", "M03CA01", "ref-a", "")
    append(mini_data, "identifiers.tsv", "sub-class", "atc", "M03B", "ref-a", "")  # the fixture's ref-a membership stays
    dataset = build(mini_data)
    assert plain(dataset, "drug/drug-a", MR.listedInClass, "class/sub-class")
    assert not plain(dataset, "drug/drug-a", MR.memberOf, "class/sub-class")


def test_show_groups_label_facts_under_the_labels_section_names(graph) -> None:
    """`mrkg show` lists what a label says under the label's own section (ANECTINE: CONTRAINDICATIONS)."""
    report = graph.describe("succinylcholine")
    section = report.groups["label: CONTRAINDICATIONS"]
    assert any("malignant hyperthermia susceptibility" in fact.text and "kind: contraindication" in fact.text
               for fact in section)
    assert all(not name.startswith("label: ") or ";" not in name for name in report.groups)



def test_a_hedged_use_is_the_symptom_not_the_injury(graph) -> None:
    """Baclofen tablets, OZOBAX and LYVISPAH labels, section 1: baclofen "may also be of some value in patients with
    spinal cord injuries and other spinal cord diseases": spasticity in those patients, not the injury itself
    (audit of seed 12 found the injury recorded as the approved use)."""
    rows = graph.query("drug-uses", drug="baclofen").rows
    assert not any(r[1].value == "spinal cord injury" and r[3].value == "regulatory label" for r in rows)
    assert any(r[1].value == "spasticity" and r[6] is not None and "spinal cord" in r[6].value for r in rows)


def test_thiocolchicoside_use_keeps_the_emas_restriction(graph) -> None:
    """EMA Article 31 referral (2013): only as add-on treatment for painful muscle contractures from spinal conditions,
    in adults and adolescents 16 years and older; the harmonised RCPs (THIOCOLCHICOSIDE ARROW tablets and MIOREL IM,
    4.1) say "en pathologie rachidienne aiguë": the condition keeps the restriction, "acute" included."""
    rows = [r for r in graph.query("drug-uses", drug="thiocolchicoside").rows if r[3].value == "regulatory label"]
    assert rows and {r[1].value for r in rows if r[2].value == "approved"} == {
        "painful muscle contractures in acute spinal pathology"}
    assert {r[4].value for r in rows} == {"oral", "intramuscular"}


def test_thiocolchicoside_courses_are_limited_by_route(graph) -> None:
    """EMA 2013 restriction as the RCPs word it in 4.2: by mouth at most 8 mg every 12 hours for 7 consecutive days
    (THIOCOLCHICOSIDE ARROW), intramuscularly at most 4 mg every 12 hours for 5 consecutive days (THIOCOLCHICOSIDE
    PHARMY II). Before, only the oral limits were held."""
    rows = graph.query(f"""SELECT ?route ?limit ?value ?unit WHERE {{ ?d a mr:DoseLimit ; mr:drug <{DRUG}thiocolchicoside> ;
                             mr:administrationRoute/mr:code ?route ; mr:doseLimitKind/mr:code ?limit ;
                             mr:quantityValue ?value ; mr:unit/mr:code ?unit }}""").rows
    limits = {(r[0].value, r[1].value): (str(r[2].value), r[3].value) for r in rows}
    assert limits[("oral", "max-duration")] == ("7", "d") and limits[("oral", "max-daily-dose")] == ("16", "mg")
    assert limits[("intramuscular", "max-duration")] == ("5", "d")
    assert limits[("intramuscular", "max-daily-dose")] == ("8", "mg")


def test_baclofen_starts_at_5_mg_three_times_a_day_and_is_titrated(graph) -> None:
    """OZOBAX 2.1 Recommended Dosage ("5 mL (5 mg) three times a day for three days", then raised "based on clinical
    response and tolerability") and baclofen tablets USP (Chartwell, Rev. 02/2023, DOSAGE AND ADMINISTRATION: "The
    determination of optimal dosage requires individual titration ... 5 mg t.i.d. for 3 days"; at most 80 mg daily)."""
    rows = graph.query(f"""SELECT ?form ?limit ?value ?unit ?src WHERE {{ ?d a mr:DoseLimit ; mr:drug <{DRUG}baclofen> ;
                             mr:dosageForm/mr:code ?form ; mr:doseLimitKind/mr:code ?limit ; mr:quantityValue ?value ;
                             mr:unit/mr:code ?unit ; dcterms:source/dcterms:identifier ?src }}""").rows
    limits = {(r[0].value, r[1].value, r[4].value): (str(r[2].value), r[3].value) for r in rows}
    assert limits[("oral-solution", "starting-dose", "label-baclofen-ozobax-solution")] == ("5", "mg")
    assert limits[("tablet", "starting-dose", "label-baclofen-tablets-chartwell")] == ("5", "mg")
    assert limits[("tablet", "max-daily-dose", "label-baclofen-tablets-chartwell")] == ("80", "mg")


def test_a_review_groups_cyclobenzaprine_with_the_antispasmodics_without_moving_atc_classes(graph) -> None:
    """See & Ginzburg, Pharmacotherapy 2008;28(2):207-13 (abstract): "The antispasticity agents - baclofen,
    tizanidine, dantrolene, and diazepam ..."; "Antispasmodic agents, such as cyclobenzaprine, ...". The review's
    groups are its own: they sit outside ATC's muscle relaxants, so diazepam (ATC N05BA) does not become one."""
    def members(cls: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in graph.query("drugs-in-class", **{"class": cls}).rows:
            out[row[2].value] = set(row[4].value.split("; ")) if row[4] else set()
        return out

    assert members("antispasmodics") == {"cyclobenzaprine": {"see-ginzburg-2008"}}
    assert set(members("antispasticity-agents")) == {"baclofen", "tizanidine", "dantrolene", "diazepam"}
    assert "diazepam" not in members("muscle-relaxants")


def test_pregabalin_and_gabapentin_seizure_use_is_adjunctive_for_partial_onset_seizures(graph) -> None:
    """LYRICA Highlights, INDICATIONS AND USAGE (1): "Adjunctive therapy for the treatment of partial-onset seizures in
    patients 1 month of age and older"; NEURONTIN (1): "Adjunctive therapy in the treatment of partial onset
    seizures ...". The labels approve neither drug for epilepsy as such."""
    for drug in ("pregabalin", "gabapentin"):
        rows = [r for r in graph.query("drug-uses", drug=drug).rows if r[3].value == "regulatory label"]
        seizures = [r for r in rows if r[1].value == "partial-onset seizures"]
        assert seizures and all(r[6] is not None and r[6].value.startswith("adjunctive therapy") for r in seizures)
        assert "epilepsy" not in {r[1].value for r in rows}, drug
        assert CONDITION + "epilepsy" not in edges(graph, drug, "mr:indicatedFor"), drug


def test_a_not_approved_list_keeps_its_own_conditions(graph) -> None:
    """QUALAQUIN section 1: indicated for uncomplicated P. falciparum malaria; "not approved for: treatment of severe
    or complicated P. falciparum malaria; prevention of malaria". The audit of seed 13 found the list recorded as
    "malaria: not indicated", which contradicts the approved use."""
    rows = [r for r in graph.query("drug-uses", drug="quinine").rows if r[3].value == "regulatory label"]
    stated = {(r[1].value, r[2].value) for r in rows}
    assert ("falciparum malaria", "approved") in stated
    assert {("severe or complicated falciparum malaria", "not indicated"), ("prevention of malaria", "not indicated")} <= stated
    assert ("malaria", "not indicated") not in stated


def test_quinine_is_not_approved_for_nocturnal_leg_cramps_not_every_cramp(graph) -> None:
    """QUALAQUIN PI, 1 Limitations of Use: "QUALAQUIN is not approved for: ... Treatment or prevention of nocturnal
    leg cramps". The negative had been recorded for muscle cramp in general (audit of seed 1205, I29); MEDI's
    listing of "Cramp of limb" stays its own candidate beside it, as the databases' muscle spasm stays beside
    dantrolene's rheumatic negative."""
    stated = {(r[1].value, r[2].value) for r in label_uses(graph, "quinine", "nocturnal leg cramps")}
    assert stated == {("nocturnal leg cramps", "not indicated")}
    assert not label_uses(graph, "quinine", "muscle cramp")
    assert CONDITION + "nocturnal-leg-cramps" not in edges(graph, "quinine", "mr:indicatedFor")


def test_phenprobamate_is_contraindicated_in_renal_and_hepatic_failure_and_in_children(graph) -> None:
    """GAMAKUIL KÜB 4.3: "... çocuklarda, miyasteni gravis'te, karaciğer, böbrek ve solunum yetmezliği ...
    kontrendikedir" (in children; hepatic, renal and respiratory failure); 4.4 treats impaired renal function
    ("böbrek fonksiyon bozukluğu") as a reason for caution only. The failures had been recorded as any renal or
    hepatic impairment and the children were missing (audit of seed 1205, C13)."""
    rows = graph.query("""SELECT ?c WHERE { ?x a mr:Contraindication ; mr:drug drug:phenprobamate ;
                           mr:condition ?c }""").rows
    conditions = {r[0].value.rsplit("/", 1)[-1] for r in rows}
    assert {"renal-insufficiency", "hepatic-insufficiency", "children"} <= conditions
    assert not conditions & {"renal-impairment", "hepatic-impairment"}


def test_opioid_labels_approve_pain_that_needs_an_opioid_not_any_pain(graph) -> None:
    """ULTRAM PI, 1: "indicated in adults for the management of pain severe enough to require an opioid analgesic and
    for which alternative treatments are inadequate"; preservative-free morphine sulfate injection, 1: "pain severe
    enough to require use of an opioid analgesic by intravenous administration, and for which alternative treatments
    are not expected to be adequate". They had been recorded as approved for pain in general (audit of seed 1205, I16)."""
    condition = "pain severe enough to require an opioid analgesic, alternatives inadequate"
    for drug, route in (("tramadol", "oral"), ("oxycodone", "oral"), ("morphine", "intravenous")):
        rows = label_uses(graph, drug, condition)
        assert any(r[2].value == "approved" and r[4] and r[4].value == route for r in rows), drug
        assert not [r for r in label_uses(graph, drug, "pain") if r[4] and r[4].value in ("oral", "intravenous")], drug


def test_botulinum_toxin_facts_of_one_product_say_which(graph) -> None:
    """BOTOX PI 2.1: "do not exceed a total dose of 400 Units administered in a 3-month interval" (BOTOX Units are not
    interchangeable with other products'); DYSPORT PI 4: "allergy to cow's milk protein"; BOTOX PI 1: prophylaxis of
    chronic migraine. These were facts of "botulinum toxin type A" without the product, so BOTOX's 400 Units read as
    a limit for Dysport and Xeomin too. The distant-spread boxed warning is every product's and names none."""
    def brands(where: str) -> set[str]:
        rows = graph.query(f"SELECT ?b WHERE {{ ?x mr:drug drug:botulinum-toxin-type-a ; {where} OPTIONAL {{ ?x mr:forBrand ?b }} }}").rows
        return {r[0].value if r[0] else "" for r in rows}
    assert brands("a mr:DoseLimit ; mr:quantityValue ?v FILTER(?v = 400)") == {"Botox"}
    assert brands("a mr:Contraindication ; mr:condition condition:cows-milk-protein-allergy .") == {"Dysport"}
    assert brands("a mr:Indication ; mr:condition condition:chronic-migraine ; mr:evidenceLevel mr:evidence-regulatory-label .") == {"Botox"}
    assert "" in brands("a mr:Warning ; mr:warningTopic mr:topic-boxed-warning .")


def test_atracurium_onset_says_what_it_times(graph) -> None:
    """Atracurium PI, CLINICAL PHARMACOLOGY: 0.4 to 0.5 mg/kg "generally produces maximum neuromuscular block within 3 to
    5 minutes of injection, with good or excellent intubation conditions within 2 to 2.5 minutes in most patients".
    The 2-2.5 min had been the onset with no word of what it times; onset elsewhere is the time to maximum block
    (audit of seed 1206, P13)."""
    rows = graph.query("""SELECT ?v ?max ?who WHERE { ?x a mr:PharmacokineticValue ; mr:drug drug:atracurium ;
        mr:pharmacokineticParameter mr:pk-onset-of-action ; mr:quantityValue ?v ; mr:quantityMax ?max ; mr:population ?who }""").rows
    timed = {(float(r[0].value), float(r[1].value)): r[2].value for r in rows}
    assert "maximum neuromuscular block" in timed[(3.0, 5.0)] and "intubation conditions" in timed[(2.0, 2.5)]


def test_label_uses_keep_the_labels_population_and_qualifier(graph) -> None:
    """OZOBAX, LYVISPAH and baclofen tablets: "spasticity resulting from multiple sclerosis"; SOMA: "acute, painful
    musculoskeletal conditions" (audit of seed 13: both were recorded more broadly than the label)."""
    baclofen = [r for r in graph.query("drug-uses", drug="baclofen").rows
                if r[1].value == "spasticity" and r[3].value == "regulatory label" and r[4] and r[4].value == "oral"]
    assert baclofen and all(r[6] is not None for r in baclofen), "every oral label use names its patients"
    soma = [r for r in graph.query("drug-uses", drug="carisoprodol").rows if r[3].value == "regulatory label"]
    assert {r[1].value for r in soma if r[2].value == "approved"} == {"acute, painful musculoskeletal conditions"}


def test_clonazepam_label_contraindicates_significant_liver_disease(graph) -> None:
    """Clonazepam tablets label (DailyMed set ee7f0165, CONTRAINDICATIONS): "contraindicated in patients with the
    following conditions: History of sensitivity to benzodiazepines - Clinical or biochemical evidence of significant
    liver disease"; the condition is the label's, narrower than liver disease. KLONOPIN, PRECAUTIONS: Nursing Mothers:
    the effects on the breastfed infant are unknown, so no recommendation is recorded."""
    rows = {r["condition"]: r for r in graph.query("contraindications", drug="clonazepam").dicts()}
    assert {"significant liver disease", "hypersensitivity to benzodiazepines"} <= set(rows)
    liver = rows["significant liver disease"]
    assert (liver["strength"], liver["route"], liver["section"]) == ("absolute", "oral", "CONTRAINDICATIONS")
    lactation = [r for r in graph.query("pregnancy-lactation", drug="clonazepam").rows if r[2].value == "lactation"]
    assert lactation and lactation[0][3] is None


def test_thiocolchicoside_intramuscular_peak_is_stated_with_its_route(graph) -> None:
    """THIOSIDE 4 insert (India, June 2025), PHARMACOKINETICS: "After intramuscular administration, thiocolchicoside
    Cmax occur in 30 min"; the value keeps the route it was measured by, not the capsule's."""
    rows = graph.query(f"""SELECT ?value ?unit ?route WHERE {{ ?p a mr:PharmacokineticValue ;
                             mr:drug <{DRUG}thiocolchicoside> ; mr:pharmacokineticParameter/mr:code "time-to-peak" ;
                             mr:quantityValue ?value ; mr:unit/mr:code ?unit ; mr:administrationRoute/mr:code ?route }}""").rows
    assert [(str(r[0].value), r[1].value, r[2].value) for r in rows] == [("30", "min", "intramuscular")]


# --- audit of seed 1204 (issue 12): qualifiers the labels state ----------------------------------------------------


def label_uses(graph, drug: str, condition: str) -> list:
    return [r for r in graph.query("drug-uses", drug=drug).rows
            if r[1].value == condition and r[3].value == "regulatory label"]


def test_intrathecal_baclofen_is_for_severe_spasticity(graph) -> None:
    """GABLOFEN PI, 1 INDICATIONS AND USAGE: "indicated for use in the management of severe spasticity in adult and
    pediatric patients age 4 years and above"; LIORESAL INTRATHECAL: "indicated for use in the management of severe
    spasticity". The intrathecal use keeps "severe" in its population (audit of seed 1204, I13)."""
    intrathecal = [r for r in label_uses(graph, "baclofen", "spasticity") if r[4] and r[4].value == "intrathecal"]
    assert len(intrathecal) == 2
    assert all(r[6] is not None and "severe spasticity" in r[6].value for r in intrathecal)


def test_botox_axillary_hyperhidrosis_is_severe_and_after_topical_agents(graph) -> None:
    """BOTOX PI, 1 INDICATIONS AND USAGE: "Treatment of severe axillary hyperhidrosis that is inadequately managed by
    topical agents in adult patients" (audit of seed 1204, I17: the population said only "adults")."""
    rows = label_uses(graph, "botulinum-toxin-type-a", "axillary hyperhidrosis")
    assert rows and all("severe" in r[6].value and "topical agents" in r[6].value for r in rows)


def test_alcuronium_icu_ventilation_is_for_severe_respiratory_insufficiency(graph) -> None:
    """Alloferine bula, Indicações: "tratamento intensivo: ... ventilação controlada em casos de insuficiência
    respiratória grave" (audit of seed 1204, I22: the population was empty)."""
    rows = label_uses(graph, "alcuronium", "mechanical ventilation")
    assert rows and all("severe respiratory insufficiency" in r[6].value for r in rows)


def test_ventilation_in_the_icu_is_said_by_the_label_that_says_it(graph) -> None:
    """Atracurium besylate injection PI, INDICATIONS AND USAGE: "as an adjunct to general anesthesia, to facilitate
    endotracheal intubation and to provide skeletal muscle relaxation during surgery or mechanical ventilation" (no
    ICU); cisatracurium PI, 1: "for mechanical ventilation in the ICU in adults". The shared condition had been
    labelled "mechanical ventilation (ICU)", which put the ICU into atracurium's label (audit of seed 1205, I27)."""
    atracurium = label_uses(graph, "atracurium", "mechanical ventilation")
    assert atracurium and not any("ICU" in (r[6].value if r[6] else "") for r in atracurium)
    cisatracurium = label_uses(graph, "cisatracurium", "mechanical ventilation")
    assert cisatracurium and all("ICU" in r[6].value for r in cisatracurium)


ADJUNCT = r"adjunct|d'appoint|adjuvant|add-on|does not, however, replace|jako jedna ze součástí"


def test_a_use_the_label_calls_an_adjunct_is_adjunctive(graph) -> None:
    """SKELAXIN and metaxalone 640 mg PI, 1: "indicated as an adjunct to rest, physical therapy, and other measures";
    VALIUM: "a useful adjunct for the relief of ... spasticity"; DECONTRACTYL RCP 4.1: "Traitement d'appoint des
    contractures musculaires douloureuses"; LYRICA (1): "Adjunctive therapy for the treatment of partial-onset
    seizures". Every approved label use whose sentence says so has the role adjunctive (audit of seed 1204: I2, I4,
    I7, I12, I18, I29 kept the qualifier only in the quoted sentence). The audit of seed 1208 found the same in other
    words: EMA's thiocolchicoside referral, "recommended only as an add-on treatment"; ROBAXIN Injectable on tetanus,
    "It does not, however, replace the usual procedure of debridement, tetanus antitoxin ..."; the Czech Arduan SmPC
    4.1, "Jako jedna ze součástí pro adaptaci pacienta na umělé plicní ventilaci" (as one of the components)."""
    missing = graph.query(f"""SELECT ?i ?t WHERE {{ ?i a mr:Indication ; mr:evidenceLevel mr:evidence-regulatory-label ;
                                mr:approvalStatus mr:status-approved ; mr:sourceText ?t
                                FILTER(REGEX(?t, "{ADJUNCT}", "i"))
                                FILTER NOT EXISTS {{ ?i mr:therapeuticRole mr:role-adjunctive }} }}""").rows
    assert not missing, [r[0].value for r in missing]
    roles = graph.query("""SELECT ?role WHERE { ?i a mr:Indication ; mr:drug drug:metaxalone ;
                             mr:condition condition:acute-painful-musculoskeletal-conditions ;
                             mr:evidenceLevel mr:evidence-regulatory-label ; mr:therapeuticRole/mr:code ?role }""").rows
    assert {r[0].value for r in roles} == {"symptomatic", "adjunctive"}


def test_a_use_for_patients_another_treatment_failed_keeps_that_limit(graph) -> None:
    """BOTOX 1.1: "Treatment of overactive bladder (OAB) ... in adults who have an inadequate response to or are
    intolerant of an anticholinergic medication"; 1.2, NDO "in pediatric patients 5 years of age and older who have an
    inadequate response to or are intolerant of anticholinergic medication". A second-line use is not a first-line
    one: the population says so (audit of seed 1208, I22, had only "adults")."""
    rows = graph.query("""SELECT ?i ?population WHERE { ?i a mr:Indication ; mr:evidenceLevel mr:evidence-regulatory-label ;
                            mr:approvalStatus mr:status-approved ; mr:sourceText ?t
                            FILTER(REGEX(?t, "inadequate response|intolerant of", "i"))
                            OPTIONAL { ?i mr:population ?population } }""").rows
    assert len(rows) >= 3
    assert all(p is not None and re.search("inadequate response|intolerant", p.value) for _, p in rows), rows


def test_a_role_outside_the_ontology_names_the_cell(mini_data: Path) -> None:
    append(mini_data, "indications.tsv", "drug-a", "cond-a", "approved", "symptomatic;add-on", "regulatory-label",
           "", "", "", "", "", "label-a", "")
    with pytest.raises(DataError, match=r"indications\.tsv:\d+:\d+ .*'add-on' is not allowed in column 'role'"):
        build(mini_data)
def test_tramadol_boxed_warning_keeps_the_boxs_words(graph) -> None:
    """Tramadol hydrochloride tablets (set 6ebc5864, openFDA record; Boxed Warning revised 02/2023), BOXED WARNING:
    "WARNING: SERIOUS AND LIFE-THREATENING RISKS FROM USE OF TRAMADOL HYDROCHLORIDE TABLETS ... Because the use of
    tramadol hydrochloride tablets exposes patients and other users to the risks of opioid addiction, abuse, and
    misuse, which can lead to overdose and death, ..." The box is a boxed-warning row and, as it names abuse, an
    abuse-potential row (seed claim kidney-073)."""
    rows = graph.query("""SELECT ?topic ?text ?detail WHERE { ?w a mr:Warning ; mr:drug drug:tramadol ;
                            mr:warningTopic/mr:code ?topic ; mr:sourceText ?text ; mr:sourceDetail ?detail ;
                            dcterms:source/dcterms:identifier "openfda-tramadol-tablets-label" }""").rows
    by_topic = {r[0].value: (r[1].value, r[2].value) for r in rows}
    assert by_topic["boxed-warning"][0].startswith("WARNING: SERIOUS AND LIFE-THREATENING RISKS FROM USE OF TRAMADOL")
    assert "risks of opioid addiction, abuse, and misuse, which can lead to overdose and death" in by_topic["abuse-potential"][0]
    assert all(detail.startswith("BOXED WARNING") for _, detail in by_topic.values())


def test_naproxen_label_uses_are_the_ones_it_lists(graph) -> None:
    """Naproxen tablets label (DailyMed set 65944dbd, INDICATIONS AND USAGE): "FOR THE RELIEF OF THE SIGNS AND
    SYMPTOMS OF RHEUMATOID ARTHRITIS. ... OF JUVENILE ARTHRITIS ... OF TENDONITIS ... OF BURSITIS ... OF ACUTE GOUT
    FOR THE MANAGEMENT OF PAIN FOR THE MANAGEMENT OF PRIMARY DYSMENORRHEA". Each condition is the one named (acute
    gout, not gout); the label names no broad 'inflammation' use."""
    rows = graph.query("drug-uses", drug="naproxen").rows
    label = {r[1].value for r in rows if r[3].value == "regulatory label" and r[2].value == "approved"}
    assert label == {"rheumatoid arthritis", "osteoarthritis", "ankylosing spondylitis", "juvenile arthritis",
                     "tendonitis", "bursitis", "acute gout", "pain", "primary dysmenorrhea"}
    assert CONDITION + "acute-gout" in edges(graph, "naproxen", "mr:indicatedFor")
    assert CONDITION + "gout" not in edges(graph, "naproxen", "mr:indicatedFor")


def test_naproxen_in_pregnancy_is_avoided_from_20_weeks_as_fda_asked_in_2020(graph) -> None:
    """FDA's Drug Safety Communication of 2020-10-15: "We recommend avoiding NSAIDs in pregnant women at 20 weeks,
    rather than the 30 weeks currently described in NSAID prescribing information." An older NAPRELAN 8.1 (avoid from
    30 weeks) stays beside it as that label's wording, and says it is the older one."""
    rows = graph.query("pregnancy-lactation", drug="naproxen").dicts()
    by_source = {row["sources"]: row for row in rows if row["topic"] == "pregnancy"}
    fda = by_source["fda-dsc-nsaids-pregnancy-2020"]
    assert fda["recommendation"] == "avoid" and "at 20 weeks, rather than the 30 weeks" in fda["sourceText"]
    assert "before FDA's 2020" in by_source["label-naprelan-pregnancy-motherfigure"]["detail"]


LATER_LABEL = ("label-a-2025", "drug-label", "DRUG A tablets, prescribing information (revised)", "Holder A", "2025-01",
               "https://example.org/label-a-2025", "US FDA label text (SPL), public domain", "yes", "")


def test_a_fact_resting_only_on_a_replaced_label_says_which_version_replaced_it(mini_data: Path, tmp_path: Path) -> None:
    """label_revisions.tsv: the fixture's label-a is replaced by a 2025 version; its contraindication, stated by
    label-a alone, now names the later version in replacedBy (the label may have changed or removed it since)."""
    import kg
    from kg.build import build_to_file

    append(mini_data, "sources.tsv", *LATER_LABEL)
    append(mini_data, "label_revisions.tsv", "label-a", "label-a-2025", "Contraindications (4) Removed 1/2025",
           "label-a-2025", "RECENT MAJOR CHANGES")
    out = tmp_path / "g.nq"
    build_to_file(out, data_dir=mini_data)
    rows = kg.load(path=out).query("contraindications", drug="drug-a").dicts()
    assert rows and {r["replacedBy"] for r in rows} == {"label-a-2025"}


@pytest.mark.parametrize("older, newer, message", [
    ("label-a", "label-a", "'label-a' cannot replace itself"),
    ("label-zz", "label-a-2025", "'label-zz' is not a source in sources.tsv"),
    ("ref-a", "label-a-2025", "'ref-a' is not a label"),
])
def test_a_bad_label_revision_names_the_cell(mini_data: Path, older: str, newer: str, message: str) -> None:
    append(mini_data, "sources.tsv", *LATER_LABEL)
    append(mini_data, "label_revisions.tsv", older, newer, "", "label-a-2025", "")
    with pytest.raises(DataError, match=message) as failure:
        build(mini_data)
    assert "label_revisions.tsv:2" in str(failure.value)


def test_quinines_g6pd_contraindication_rests_on_a_label_the_2019_label_replaced(graph) -> None:
    """QUALAQUIN (Sun, 2019-06), Recent Major Changes: "Contraindications, G6PD deficiency (4) Removed 6/2019". The old
    AR Scientific highlights that contraindicate it stay as that version's statement, marked as replaced; the 2019
    label's own contraindications are not (independent held-out audit of 2026-12-07, fact 6)."""
    rows = {r["condition"]: r for r in graph.query("contraindications", drug="quinine").dicts()}
    assert rows["glucose-6-phosphate dehydrogenase (G6PD) deficiency"]["replacedBy"] == "label-quinine-qualaquin-sun"
    assert rows["myasthenia gravis"]["replacedBy"] == "" and rows["optic neuritis"]["replacedBy"] == ""
    # and the entity page says it beside each such fact, not beside the current label's
    page = [f.text for facts in graph.describe("quinine").groups.values() for f in facts]
    marked = [text for text in page if "replaced by label-quinine-qualaquin-sun" in text]
    assert marked and all("G6PD" in text for text in marked)
    assert any("myasthenia gravis" in text and "replaced" not in text for text in page)
    # warnings too: the old Skelaxin 400 mg insert's statements, beside the 800 mg PLR label's own
    warnings = graph.query("drug-warnings", drug="metaxalone").dicts()
    replaced = {w["sources"] for w in warnings if w["replacedBy"] == "label-metaxalone-skelaxin"}
    assert replaced == {"label-metaxalone-skelaxin-400-studyres"}
    assert any(w["sources"] == "label-metaxalone-skelaxin" and w["replacedBy"] == "" for w in warnings)


def test_a_label_sources_date_is_its_version_not_a_data_refresh() -> None:
    """openFDA's last_updated is the day its data set was refreshed: eight label sources gave it as their version
    date (2026-06-01 ... 2026-10-16 for labels revised years earlier), which stats-labels then counted as dated. A
    label's date is the version's own (Revised:, effective_time, an SmPC's date of revision), or none."""
    from kg.build.registry import TABLES
    from kg.paths import DATA_DIR

    rows = TABLES["sources.tsv"].read(DATA_DIR / "sources.tsv")
    refreshed = [r["id"] for r in rows if r["kind"] == "drug-label" and r["date"]
                 and "last_updated" in r["note"].lower() and "effective" not in r["note"].lower()]
    assert not refreshed
    assert sum(1 for r in rows if "openFDA's last_updated" in r["note"]) >= 8
