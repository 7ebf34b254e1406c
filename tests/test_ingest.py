"""mrkg ingest (issue 17): offsets, bad input, and the measure on the two seed articles against claims.tsv."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from conftest import SHARED
from kg.ingest import IngestError, ingest_bytes
from kg.ingest.read import MAX_BYTES, read_bytes
from kg.ingest.sentences import split_sentences
from kg.paths import DATA_DIR

SEEDS = {"seed-article-kidney": "000_b52af10c717145d4.txt", "seed-article-exercise": "002_08e766c72c7ae98f.txt"}
#: Issue 17's goal on the seeds, reached (recall 0.80, agreement 0.85; the first step had 0.619 and 0.703). Recall
#: is 0.810; the misses are lay words the graph has no name for ("muscle tension", "weakness", "sedatives") and
#: objects the curators inferred from the context. Agreement is 0.857: it rose from 0.790 with where a drug is said
#: to act (checked against ATC's central, peripheral and direct groups), the labels' starting doses and titration,
#: and the review that groups cyclobenzaprine with the antispasmodics. What is left: facts the curators found in
#: sources the graph does not hold (muscle stiffness as a use, a condition hierarchy for "chronic pain") and
#: free-form statements the graph cannot check.
GOAL_RECALL, GOAL_AGREEMENT = 0.80, 0.85
OWN = Path(__file__).parent / "resources" / "ingest"

text_pieces = st.lists(st.one_of(st.text(min_size=0, max_size=40), st.sampled_from(
    ["Baclofen is a drug. ", "It may cause drowsiness! ", "\n", "\n\n", "Dr. Smith said so. ", "  ", "e.g. this; "])),
    max_size=12).map("".join)


@settings(max_examples=60, deadline=None)
@given(text_pieces)
def test_sentence_offsets_slice_back(text: str) -> None:
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert "\n" not in sentence.text


@settings(max_examples=40, deadline=None)
@given(text_pieces, st.sampled_from(["text", "html", "markdown"]))
def test_reader_gives_text_whose_sentences_slice_back(text: str, kind: str) -> None:
    try:
        article = read_bytes(text.encode("utf-8"), "t", kind)
    except IngestError:
        return  # empty once read, or binary-looking control characters: refused in one line
    for sentence in split_sentences(article.text):
        assert article.text[sentence.start:sentence.end] == sentence.text


def test_html_and_markdown_are_read_as_their_visible_text() -> None:
    page = b"<html><head><title>T</title><script>var baclofen=1</script></head><body><p>Baclofen &amp; you.</p></body></html>"
    article = read_bytes(page, "a.html")
    assert (article.kind, article.title, article.text.strip()) == ("html", "T", "Baclofen & you.")
    assert read_bytes(b"# Head\n\nSome *baclofen* [link](http://x).", "a.md").text.split() == ["Head", "Some", "baclofen", "link."]


@pytest.fixture(scope="module")
def seeds(graph: kg.KnowledgeGraph) -> dict[str, object]:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    return {source: ingest_bytes((SHARED / "seeds" / name).read_bytes(), name, graph) for source, name in SEEDS.items()}


def test_quotes_are_the_text_at_their_offsets(seeds: dict) -> None:
    for report in seeds.values():
        assert report.claims
        for claim in report.claims:
            assert report.article.text[claim.start:claim.end] == claim.quote
            assert claim.verdict in ("supported", "contradicted", "not-in-graph", "not-checkable") and claim.reason


def test_recall_and_agreement_on_the_seed_articles(seeds: dict) -> None:
    from kg.ingest.evaluate import Score, curated_claims, score

    total = Score()
    for source, report in seeds.items():
        total.matches += score(report.article.text, report.claims, curated_claims(DATA_DIR / "claims.tsv", source)).matches
    print("\n" + total.table())
    assert len(total.matches) == 147
    assert total.supported_where_contradicted == 0, "an automatic 'supported' where the curators said 'contradicted'"
    assert total.recall >= GOAL_RECALL, total.table()
    assert total.agreement >= GOAL_AGREEMENT, total.table()
    print(f"recall {total.recall:.3f}, agreement {total.agreement:.3f} (issue 17's goal: {GOAL_RECALL}, {GOAL_AGREEMENT})")
    # the known contradictions of the seeds are found from the reference classifications, not from the articles
    kidney = {(c.subject.rsplit("/", 1)[1], c.object and c.object.rsplit("/", 1)[1]): c for c in seeds["seed-article-kidney"].claims
              if c.predicate == "member-of-class"}
    for drug in ("tramadol", "morphine", "clonazepam", "gabapentin"):
        claim = kidney[(drug, "muscle-relaxants")]
        assert claim.verdict == "contradicted" and "who-atc-ddd-2026" in claim.sources, claim.reason
        assert not any(s.startswith("seed-article") for s in claim.sources)


def test_an_article_of_our_own(graph: kg.KnowledgeGraph) -> None:
    """tests/resources/ingest/own-article.md, written with known truth values after the extractor was built, and
    its hand-labelled claims (own-article.tsv). On its first run ingest recalled 25 of the 28 claims and agreed on 19
    of them (0.893, 0.760): prohibitions read as denials, "controlled substance" and metabolites not extracted, a
    daily dose worded before its amount. Those causes were fixed in general ways; this keeps the result."""
    from kg.ingest.evaluate import expected_claims, score

    report = ingest_bytes((OWN / "own-article.md").read_bytes(), "own-article.md", graph)
    result = score(report.article.text, report.claims, expected_claims(OWN / "own-article.tsv"))
    print("\n" + result.table())
    assert result.supported_where_contradicted == 0
    assert result.recall >= 0.95 and result.agreement >= 0.90, result.table()


@pytest.mark.parametrize("name, recall, agreement", [("fresh-article.md", 0.75, 0.95), ("blog-article.html", 0.75, 0.95),
                                                     ("forum-article.txt", 0.75, 0.90), ("news-article.md", 0.90, 0.95),
                                                     ("leaflet-article.md", 0.80, 0.95), ("magazine-article.md", 0.55, 0.90),
                                                     ("pharmacist-qa.md", 0.70, 0.90),
                                                     ("clinic-faq.md", 0.65, 0.85), ("myths-article.md", 0.85, 0.95)])
def test_articles_written_blind_to_the_extractor(graph: kg.KnowledgeGraph, name: str, recall: float,
                                                 agreement: float) -> None:
    """Articles of tests/resources/ingest and their expected claims, written by helpers that never read the extractor.
    First runs: fresh-article recall 0.533, agreement 0.750, and one automatic 'supported' where the truth is
    'contradicted' ("Diazepam is considered safe to take while breastfeeding." against the labels' lactation
    warnings); blog-article recall 0.556, agreement 0.960; forum-article recall 0.667, agreement 0.867, and two
    'supported' where the truth is 'contradicted' (a dose above the maximum read as the maximum the sentence also
    names; "safe to take throughout pregnancy"); news-article recall 0.727, agreement 0.906, one such 'supported'
    ("so kidney disease does not change its dose" against the labels' renal dose adjustment); leaflet-article (a
    pharmacy leaflet, 2026-12-04) recall 0.556, agreement 0.960, none; magazine-article (verbs for most uses and
    interactions, 2026-12-04) recall 0.422, agreement 0.947, none; pharmacist-qa (an "ask the pharmacist" column,
    2026-12-07) recall 0.540, agreement 0.852, two such 'supported' ("gentle enough to use during pregnancy" against
    thiocolchicoside's contraindication; "cleared by the liver rather than the kidneys, so ... shouldn't change the
    dose"); clinic-faq (a clinic newsletter's questions with a table, written after that session's fixes, 2026-12-07)
    recall 0.608, agreement 0.839, one such 'supported' ("kidney disease makes no difference to how much you can take"
    against tizanidine's renal caution); myths-article (a columnist's twelve myths, 2026-12-08) recall 0.593, agreement
    0.875, two such 'supported' ("can be combined with a morphine prescription without any extra worry" against
    baclofen's label-level interaction with opioids; "considered safe to keep taking throughout pregnancy" against
    tizanidine's pregnancy warning). The causes were general (a brand held only in capitals,
    "grams", safety asserted as a denial, head nouns of class names, an interaction read the other way round, lay cue
    words, a combination said to carry no risk, a pronoun bound to a drug of its own sentence, drugs joined by "and",
    where a drug acts as membership of a mode subclass); this keeps what the fixes gave."""
    from kg.ingest.evaluate import expected_claims, score

    report = ingest_bytes((OWN / name).read_bytes(), name, graph)
    result = score(report.article.text, report.claims, expected_claims((OWN / name).with_suffix(".tsv")))
    print("\n" + result.table())
    assert result.supported_where_contradicted == 0
    assert result.recall >= recall and result.agreement >= agreement, result.table()


def test_names_derived_from_the_graph_and_from_the_article(graph: kg.KnowledgeGraph) -> None:
    """A mechanism's agent noun, a target family, a class name without "receptor", a defined abbreviation, a British
    spelling, and the drugs inside a class name are all found."""
    from kg.ingest.entities import Gazetteer

    found = {m.text: {iri.rsplit("/", 1)[1] for iri, _ in m.entities}
             for m in Gazetteer.from_store(graph.store).find(
        "It is a gamma-aminobutyric acid (GABA) agonist that binds GABA-B receptors and opioid receptors. Some have "
        "spinal muscular atrophy (SMA); in SMA, diarrhea is common. Baclofen and gabapentin are named together. "
        "The National Institute on Drug Abuse (NIDA) says so.")}
    assert {"gaba-agonists", "gaba-b-receptor-agonism"} <= found["gamma-aminobutyric acid (GABA) agonist"]
    assert found["GABA-B receptors"] == {"gabbr1", "gabbr2"} and found["opioid receptors"] == {"oprm1"}
    assert found["SMA"] == {"spinal-muscular-atrophy"} and found["diarrhea"] == {"diarrhoea"}
    assert found["Baclofen and gabapentin"] == {"baclofen-and-gabapentin-class"} and "gabapentin" in found
    assert "Drug Abuse" not in found  # a name inside an organisation's defined name


@pytest.mark.parametrize("sentence, claim, verdict", [
    ("Tizanidine must not be taken with fluvoxamine.", ("tizanidine", "interacts-with", "fluvoxamine"), "supported"),
    ("Gabapentin is not a muscle relaxant.", ("gabapentin", "member-of-class", "muscle-relaxants"), "supported"),
    ("Tizanidine is usually taken at 60 mg a day.", ("tizanidine", "statement", "dose"), "contradicted"),
    ("Carisoprodol is broken down into meprobamate.", ("carisoprodol", "has-metabolite", "meprobamate"), "supported"),
    ("Tizanidine is a controlled substance.", ("tizanidine", "has-warning", "controlled-substance"), "contradicted"),
    ("Tramadol is an opioid. Opioid receptor agonists are a kind of muscle relaxant.", ("opioid-receptor-agonists",
                                                                                        "member-of-class",
                                                                  "muscle-relaxants"), "contradicted"),
    ("Baclofen and naproxen both cause drowsiness. Taking them together may add up.",
     ("baclofen", "interacts-with", "naproxen"), "not-in-graph"),
    ("Baclofen is a muscle relaxant. Its side effects include:\n• drowsiness\n• dizziness",
     ("baclofen", "has-adverse-effect", "dizziness"), "supported"),
    # where a drug acts, against the mode subclass ATC files it in (M03A peripherally, M03B centrally, M03C directly)
    ("Cyclobenzaprine works by blocking signals between the nerves and the muscles.",
     ("cyclobenzaprine", "statement", "site"), "contradicted"),
    ("Tizanidine acts on the spinal cord to reduce spasticity.", ("tizanidine", "statement", "site"), "supported"),
    ("Baclofen does not act directly on the muscle fibres.", ("baclofen", "statement", "site"), "supported"),
    ("Dantrolene works directly on the skeletal muscle.", ("dantrolene", "statement", "site"), "supported"),
    ("Rocuronium acts at the neuromuscular junction.", ("rocuronium", "statement", "site"), "supported"),
    # baclofen's labels titrate from 5 mg three times a day (OZOBAX 2.1 Recommended Dosage; baclofen tablets USP,
    # Chartwell, DOSAGE AND ADMINISTRATION: "5 mg t.i.d. for 3 days")
    ("Start baclofen with 10 mg three times a day.", ("baclofen", "statement", "dose"), "contradicted"),
    ("Baclofen treatment starts at 5 mg three times a day.", ("baclofen", "statement", "dose"), "supported"),
    ("A 20 mg dose of baclofen is the right one for moderate spasms.", ("baclofen", "statement", "dose"),
     "contradicted"),
    ("A 10 mg dose of baclofen can cause mild drowsiness.", ("baclofen", "statement", "dose"), "not-in-graph"),
    ("Some clinics push methocarbamol to 10 grams a day.", ("methocarbamol", "statement", "dose"), "contradicted"),
    ("Adults may receive up to 500 units of Botox.", ("botulinum-toxin-type-a", "statement", "dose"), "not-in-graph"),
    # safety asserted against a label warning is a denial of it; "not safe" is no double denial
    ("Baclofen is considered safe to take while breastfeeding.", ("baclofen", "has-warning", "lactation"),
     "contradicted"),
    ("Baclofen is not safe to take while breastfeeding.", ("baclofen", "has-warning", "lactation"), "supported"),
    ("Glaucoma is a reason to avoid orphenadrine.", ("orphenadrine", "contraindicated-in", "glaucoma"), "supported"),
    ("Combining metaxalone with serotonergic medicines is risky.",
     ("metaxalone", "interacts-with", "serotonergic-drugs"), "supported"),
    ("Baclofen imitates GABA at GABA-B receptors.", ("baclofen", "has-mechanism", "gaba-b-receptor-agonism"),
     "supported"),
    ("Most of each baclofen dose leaves the body unchanged through the kidneys.",
     ("baclofen", "eliminated-by", "renal"), "supported"),
    ("Many readers tell us that methocarbamol works better than chlorzoxazone.",
     ("methocarbamol", "statement", "comparison"), "not-checkable"),
    ("Soma is not habit-forming.", ("carisoprodol", "has-warning", "dependence-withdrawal"), "contradicted"),
    ("If 30 mg of Amrix a day is not enough, doctors often go up to 45 mg.", ("cyclobenzaprine", "statement", "dose"),
     "contradicted"),  # AMRIX 2.1: the maximum is 30 mg once a day; 45 mg is above it though 30 mg is named too
    ("Diazepam is generally considered safe to take throughout pregnancy.", ("diazepam", "has-warning", "pregnancy"),
     "contradicted"),
    ("Pregabalin is sold as capsules. You will not find pregabalin on any US controlled-substance schedule.",
     ("pregabalin", "has-warning", "controlled-substance"), "contradicted"),
    ("Gabapentin is broken down by the liver, so kidney disease does not change its dose.",
     ("gabapentin", "has-warning", "renal-impairment"), "contradicted"),
    ("Baclofen acts as an agonist at GABA-B receptors.", ("baclofen", "has-mechanism", "gaba-b-receptor-agonism"),
     "supported"),
    ("Carisoprodol is sedating, and the liver turns it into meprobamate.",
     ("carisoprodol", "has-metabolite", "meprobamate"), "supported"),
    ("Dantrolene is approved by mouth for chronic spasticity.", ("dantrolene", "indicated-for", "spasticity"),
     "supported"),
    ("Skip alcohol while you are taking orphenadrine.", ("ethanol", "interacts-with", "orphenadrine"), "supported"),
    ("Metaxalone is sedating. Do not drink alcohol with it.", ("metaxalone", "interacts-with", "ethanol"), "supported"),
    ("Tizanidine is used for spasticity. Fluvoxamine can raise its blood levels a lot.",
     ("tizanidine", "interacts-with", "fluvoxamine"), "supported"),
    ("Cyclobenzaprine works just as well for spasticity.", ("cyclobenzaprine", "used-for", "spasticity"),
     "contradicted"),  # AMRIX 1: "not been found effective in the treatment of spasticity"
    ("Most people begin on one 20 mg baclofen tablet three times a day.", ("baclofen", "has-strength", "20 mg"),
     "supported"),
    # Dantrolene capsules label, INDICATIONS: "not indicated for the treatment of skeletal muscle spasm resulting from
    # rheumatic disorders"; the article words the cause with "due to" and drops "skeletal"
    ("Dantrolene is also approved for muscle spasm due to rheumatic disorders.",
     ("dantrolene", "indicated-for", "rheumatic-skeletal-muscle-spasm"), "contradicted"),
    ("Diazepam and opioids taken together can stop your breathing.", ("diazepam", "interacts-with", "opioids"),
     "supported"),
    ("Cyclobenzaprine can make you drowsy.", ("cyclobenzaprine", "has-adverse-effect", "somnolence"), "supported"),
    ("Baclofen is used mainly for spasticity.", ("baclofen", "used-for", "spasticity"), "supported"),
    ("Cyclobenzaprine is a muscle relaxant. Doctors often prescribe it for muscle spasm.",
     ("cyclobenzaprine", "used-for", "muscle-spasm"), "supported"),
    ("Orphenadrine is not meant for people with glaucoma.", ("orphenadrine", "contraindicated-in", "glaucoma"), "supported"),
    ("Chlorzoxazone may turn your urine orange.", ("chlorzoxazone", "has-adverse-effect", "chromaturia"), "supported"),
    ("Don't be alarmed if chlorzoxazone turns your urine purple.", ("chlorzoxazone", "has-adverse-effect", "chromaturia"),
     "supported"),
    ("Gabapentin is approved for nerve pain after shingles.", ("gabapentin", "indicated-for", "postherpetic-neuralgia"),
     "supported"),
    ("Tizanidine can make you feel dizzy when you stand up.", ("tizanidine", "has-adverse-effect", "orthostatic-hypotension"),
     "supported"),
    ("Baclofen is not approved for muscle spasms caused by arthritis and other rheumatic conditions.",
     ("baclofen", "indicated-for", "rheumatic-skeletal-muscle-spasm"), "supported"),
    ("Alcohol deepens the drowsiness of baclofen.", ("ethanol", "interacts-with", "baclofen"), "supported"),
    ("Never stop baclofen suddenly after long use.", ("baclofen", "has-warning", "dependence-withdrawal"), "supported"),
    ("Tizanidine is mainly a drug for spasticity.", ("tizanidine", "used-for", "spasticity"), "supported"),
    # thiocolchicoside SmPC 4.3: contraindicated in pregnancy ("grossesse et allaitement")
    ("Thiocolchicoside is gentle enough to use during pregnancy.", ("thiocolchicoside", "has-warning", "pregnancy"),
     "contradicted"),
    # the organ a route names is what "rather than" denies: baclofen leaves mostly unchanged in the urine
    ("Baclofen is cleared by the liver rather than the kidneys.", ("baclofen", "eliminated-by", "renal"), "contradicted"),
    ("Baclofen is cleared by the kidneys, so kidney disease shouldn't change its dose.",
     ("baclofen", "has-warning", "renal-impairment"), "contradicted"),
    # ", so" ends the denial that follows it: the kidneys clearing baclofen is asserted
    ("Baclofen is cleared by the kidneys, so kidney disease should not change its dose.",
     ("baclofen", "eliminated-by", "renal"), "supported"),
    # the pair is named before the verb, and the denial follows both (the labels' serotonin syndrome warnings)
    ("Sertraline and cyclobenzaprine don't interact.", ("cyclobenzaprine", "interacts-with", "sertraline"),
     "contradicted"),
    # SKELAXIN 4: "Significantly impaired renal or hepatic function"
    ("Metaxalone isn't suitable for anyone with severe liver disease.",
     ("metaxalone", "contraindicated-in", "severe-hepatic-impairment"), "supported"),
    ("Orphenadrine must be avoided by anyone with glaucoma.", ("orphenadrine", "contraindicated-in", "glaucoma"),
     "supported"),
    ("Carisoprodol is sedating. The liver converts part of every dose into meprobamate.",
     ("carisoprodol", "has-metabolite", "meprobamate"), "supported"),
    ("Grogginess is common with cyclobenzaprine.", ("cyclobenzaprine", "has-adverse-effect", "somnolence"), "supported"),
    ("Many people feel light-headed when they stand up on tizanidine.",
     ("tizanidine", "has-adverse-effect", "orthostatic-hypotension"), "supported"),
    # ATC files dantrolene under M03C, directly acting; DrugCentral's MeSH listing among the centrally acting ones is
    # that database's view against the class's own scheme, named in the reason but not deciding
    ("Dantrolene acts on the brain and spinal cord.", ("dantrolene", "statement", "site"), "contradicted"),
    ("A third choice, chlorzoxazone, has caused serious liver damage, so report yellow skin at once if you take it.",
     ("chlorzoxazone", "has-warning", "hepatotoxicity"), "supported"),
    ("Diazepam is sedating. Taken together with opioid painkillers, it can stop your breathing. It also passes into "
     "breast milk.", ("diazepam", "has-warning", "lactation"), "supported"),
    # ZANAFLEX 5.x / 8.6: use with caution in renal impairment (creatinine clearance below 25 mL/min)
    ("Tizanidine is handled by the liver, so kidney disease makes no difference to how much you can take.",
     ("tizanidine", "has-warning", "renal-impairment"), "contradicted"),
    ("Orphenadrine is not for anyone with myasthenia gravis.", ("orphenadrine", "contraindicated-in", "myasthenia-gravis"),
     "supported"),
    ("Cyclobenzaprine is sedating. Never take it with an MAO inhibitor such as selegiline.",
     ("cyclobenzaprine", "interacts-with", "selegiline"), "supported"),
    ("Carisoprodol on top of oxycodone can slow breathing.", ("carisoprodol", "interacts-with", "oxycodone"), "supported"),
    # a combination said to carry no risk denies the interaction (the labels' CYP1A2 and serotonergic warnings); the
    # use in the same kind of sentence stays asserted
    ("Tizanidine can be taken alongside ciprofloxacin with no added risk.",
     ("tizanidine", "interacts-with", "ciprofloxacin"), "contradicted"),
    ("Cyclobenzaprine can safely be combined with tramadol.", ("cyclobenzaprine", "interacts-with", "tramadol"),
     "contradicted"),
    ("Baclofen helps with spasticity without any serious risk.", ("baclofen", "used-for", "spasticity"), "supported"),
    # "safe to keep taking" asserts safety as "safe to take" does; "is not safe" with no clause end after it is no denial
    ("Methocarbamol is perfectly safe to continue using during pregnancy.", ("methocarbamol", "has-warning", "pregnancy"),
     "contradicted"),
    ("Methocarbamol is not safe to keep taking during pregnancy.", ("methocarbamol", "has-warning", "pregnancy"),
     "supported"),
    # a pronoun opening a clause after the drug the sentence names speaks of that drug, not of the one before
    ("Baclofen is sedating. Tizanidine concentrations climb sharply if it is combined with fluvoxamine.",
     ("tizanidine", "interacts-with", "fluvoxamine"), "supported"),
    ("Fluvoxamine has no effect on tizanidine.", ("fluvoxamine", "interacts-with", "tizanidine"), "contradicted"),
    ("Pairing tramadol with cyclobenzaprine is risky.", ("tramadol", "interacts-with", "cyclobenzaprine"), "supported"),
    # a warning topic that a cue forbids the drug in is also a contraindication (Gamakuil 4.3, Dantamacrin
    # Kontraindikationen, SKELAXIN 4); "not ... at all by" is a prohibition, no denial
    ("Phenprobamate is strictly forbidden during pregnancy.", ("phenprobamate", "contraindicated-in", "pregnancy"),
     "supported"),
    ("Dantrolene is prohibited for mothers while nursing.", ("dantrolene", "contraindicated-in", "breastfeeding"),
     "supported"),
    ("Metaxalone must not be taken at all by anyone with severe kidney problems.",
     ("metaxalone", "contraindicated-in", "severe-renal-impairment"), "supported"),
    # drugs joined by "and" before the cue are each its subject; "drink" after "about" is alcohol
    ("Orphenadrine and carisoprodol both carry warnings about alcoholic drinks.",
     ("orphenadrine", "interacts-with", "ethanol"), "supported"),
    ("Methocarbamol and tizanidine carry the same warning about drink.", ("methocarbamol", "interacts-with", "ethanol"),
     "supported"),
    # where a muscle relaxant is said to act is also membership of the mode subclass ATC gives that place
    ("Methocarbamol acts on the brain to ease spasm.",
     ("methocarbamol", "member-of-class", "centrally-acting-muscle-relaxants"), "supported"),
    ("Cyclobenzaprine works inside the muscle cells.",
     ("cyclobenzaprine", "member-of-class", "directly-acting-muscle-relaxants"), "contradicted"),
    # QUALAQUIN 1: not approved for nocturnal leg cramps; tolperisone SmPC 4.1 (2012): post-stroke spasticity only
    ("For cramps at night, quinine is the approved first-line option.",
     ("quinine", "indicated-for", "nocturnal-leg-cramps"), "contradicted"),
    ("Tolperisone is prescribed for stiffness after a stroke.", ("tolperisone", "used-for", "post-stroke-spasticity"),
     "supported"),
    ("Spasticity is a job for tizanidine.", ("tizanidine", "used-for", "spasticity"), "supported"),
    ("Dantrolene is sedating. Its label gives spasticity as a main use.", ("dantrolene", "used-for", "spasticity"),
     "supported"),
    ("Tizanidine tops out at 36 mg a day.", ("tizanidine", "statement", "dose"), "supported"),  # ZANAFLEX 2.1
    ("Botox is approved for spasticity. Some clinics offer it for fibromyalgia.",
     ("botulinum-toxin-type-a", "used-for", "fibromyalgia"), "not-in-graph"),
], ids=["prohibition-is-no-denial", "denial", "dose-above-label", "metabolite", "not-scheduled", "class-by-members",
        "pair-taken-together", "list-item", "site-peripheral-for-central", "site-central", "site-denied-direct",
        "site-direct", "site-junction", "starting-dose-other", "starting-dose-label", "dose-by-severity",
        "dose-no-start-no-severity", "dose-in-grams", "dose-limit-not-from-a-label", "safe-denies-warning",
        "not-safe-keeps-warning", "reason-to-avoid", "class-head-noun", "imitates-is-agonist", "leaves-the-body",
        "anecdotal-comparison", "habit-forming-denied", "alcohol-with-it", "raises-its-levels", "works-as-well-for",
        "tablet-strength", "above-the-maximum-it-names", "safe-throughout-pregnancy", "not-on-a-schedule",
        "skip-alcohol-while", "does-not-change-its-dose", "acts-as-an-agonist", "turns-it-into", "approved-by-mouth",
        "cause-in-other-words", "named-before-together", "adjective-of-a-state", "used-with-an-adverb",
        "prescribe-it-for", "not-meant-for", "lay-urine-colour", "not-alarmed-is-no-denial", "lay-pain-after-shingles",
        "lay-dizzy-on-standing", "lay-rheumatic-spasm", "deepens-the-drowsiness-of", "never-stop-suddenly-is-a-warning",
        "a-drug-for", "gentle-enough-during-pregnancy", "rather-than-the-organ", "shouldnt-change-its-dose",
        "so-ends-a-denial", "pair-before-bare-interact", "isnt-suitable-for", "must-be-avoided-by-anyone-with",
        "converts-part-into-the-topics-metabolite", "lay-grogginess", "lay-light-headed-when-they-stand",
        "site-against-atc-despite-a-listing", "take-it-is-no-partner", "class-after-a-cue-is-no-subject",
        "makes-no-difference-to-how-much", "not-for-anyone-with", "take-it-with", "on-top-of",
        "combined-with-no-added-risk", "safely-combined", "without-risk-keeps-a-use", "safe-to-continue-using",
        "is-not-safe-to-keep-taking", "pronoun-after-a-conjunction", "has-no-effect-on", "pairing-with",
        "forbidden-during-a-warning-topic", "lay-while-nursing", "not-at-all-by-anyone-with",
        "coordinated-subjects", "lay-drink",
        "site-is-mode-membership", "site-is-mode-membership-elsewhere",
        "the-approved-option", "lay-stiffness-after-a-stroke", "a-job-for", "as-a-use", "tops-out-at",
        "offer-it-for"])
def test_verdicts_of_single_sentences(graph: kg.KnowledgeGraph, sentence: str, claim: tuple, verdict: str) -> None:
    report = ingest_bytes(sentence.encode(), "s.txt", graph)
    got = {(c.subject.rsplit("/", 1)[1], c.predicate, c.object.rsplit("/", 1)[1] if c.object else
            (c.object_value or "").partition(": ")[0] if c.predicate == "statement" else c.object_value): c
           for c in report.claims}
    assert claim in got, sorted(got)
    assert got[claim].verdict == verdict, got[claim].reason
    if claim[2] == "site":
        assert "who-atc-ddd-2026" in got[claim].sources, got[claim].reason


def test_where_a_drug_of_no_class_with_modes_acts_makes_no_membership(graph: kg.KnowledgeGraph) -> None:
    """Pregabalin is in no class whose subclasses say where their members act: acting on the brain says where it
    acts, and does not make it a centrally acting muscle relaxant."""
    claims = ingest_bytes(b"Pregabalin acts on the brain.", "s.txt", graph).claims
    assert [c.object_value.partition(":")[0] for c in claims if c.object_value] == ["site"]
    assert not [c for c in claims if c.predicate == "member-of-class"], claims


def test_a_relative_of_a_class_is_not_its_member(graph: kg.KnowledgeGraph) -> None:
    """ "A close chemical relative of the tricyclic antidepressants" says what the drug resembles, not its class."""
    claims = ingest_bytes(b"Cyclobenzaprine is a close structural relative of the tricyclic antidepressants.", "s.txt",
                          graph).claims
    assert not [c for c in claims if c.predicate == "member-of-class"], claims


def test_drugs_joined_by_and_share_a_cue_but_a_comma_alone_joins_none(graph: kg.KnowledgeGraph) -> None:
    """ "A and B interact with X" makes both subjects; "Like A, B interacts with X" only B; a pair taken together stays
    a pair."""
    def interactions(text: str) -> set[tuple[str, str]]:
        return {(c.subject.rsplit("/", 1)[1], (c.object or "").rsplit("/", 1)[1])
                for c in ingest_bytes(text.encode(), "s.txt", graph).claims if c.predicate == "interacts-with"}

    assert interactions("Methocarbamol, carisoprodol or orphenadrine interact with alcohol.") == {
        ("methocarbamol", "ethanol"), ("carisoprodol", "ethanol"), ("orphenadrine", "ethanol")}
    assert interactions("Like baclofen, tizanidine interacts with alcohol.") == {("tizanidine", "ethanol")}
    assert interactions("Sertraline and cyclobenzaprine don't interact.") == {("cyclobenzaprine", "sertraline")}


@pytest.mark.parametrize("table, message", [
    ("chromaturia\turine (turns", "phrases.tsv:1: the pattern is not a regular expression"),
    ("# a comment\nChromaturia\turine", "phrases.tsv:2: write an entity id and a pattern"),
    ("chromaturia urine", "phrases.tsv:1: write an entity id and a pattern"),
])
def test_a_bad_line_of_the_phrase_table_is_named(table: str, message: str) -> None:
    from kg.ingest.entities import parse_phrases

    with pytest.raises(IngestError, match=re.escape(message)):
        parse_phrases(table)


def test_the_phrase_table_names_entities_of_the_graph(graph: kg.KnowledgeGraph) -> None:
    from kg.ingest.entities import lay_phrases

    ids = {iri.rsplit("/", 1)[-1] for iri in (r[0].value for r in graph.query(
        "SELECT ?e WHERE { ?e a ?t . ?t rdfs:subClassOf* mr:Entity }").rows)}
    assert lay_phrases() and {entity for entity, _ in lay_phrases()} <= ids


def test_a_place_in_a_condition_name_says_nothing_of_where_the_drug_acts(graph: kg.KnowledgeGraph) -> None:
    report = ingest_bytes(b"Baclofen acts on the spasticity of spinal cord injury.", "s.txt", graph)
    assert not [c for c in report.claims if (c.object_value or "").startswith("site:")], report.claims


def test_report_formats(seeds: dict, graph: kg.KnowledgeGraph) -> None:
    from kg.ingest.write import COLUMNS, render, to_nquads

    report = seeds["seed-article-exercise"]
    assert render(report, "csv").splitlines()[0] == ",".join(COLUMNS)
    data = json.loads(render(report, "json"))
    assert len(data["claims"]) == len(report.claims) and set(COLUMNS) <= set(data["claims"][0])
    page = render(report, "html")
    assert '<mark class="supported"' in page and '<mark class="contradicted"' not in page or "contradicted" in page
    nquads = to_nquads(report, graph.store)
    assert f"<https://w3id.org/mrkg/graph/{report.document.id}>" in nquads
    assert nquads.count("<https://w3id.org/mrkg/vocab/method-automatic>") == len(report.claims)
    assert "<https://w3id.org/mrkg/vocab/Article>" in nquads
    # the article's date is typed as the build types a source's date, and a month that does not exist stays text
    from dataclasses import replace

    dated = replace(report, document=replace(report.document, date="2024-05"))
    assert '"2024-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in to_nquads(dated, graph.store)
    undated = replace(report, document=replace(report.document, date="2024-13"))
    assert '"2024-13" ' in to_nquads(undated, graph.store) and "gYearMonth" not in to_nquads(undated, graph.store)


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\x00" * 50, "binary"),
    (b"baclofen " * (MAX_BYTES // 9 + 1), "larger than"),
    ("Le baclofène est un médicament utilisé pour traiter la spasticité musculaire. Il agit sur le système nerveux "
     "central et réduit les spasmes. Les effets indésirables sont la somnolence et les vertiges.".encode(), "English"),
    (b"The weather was lovely today and we walked along the river, talking about books and the coming holidays.", "names no drug"),
], ids=["empty", "binary", "too-big", "french", "no-drug"])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, content: bytes, message: str, seeds: dict) -> None:
    from click.testing import CliRunner

    from kg.cache import checkout_key, documents_dir
    from kg.cli import main
    from kg.paths import cache_dir

    def builds() -> list[str]:
        """What ingest --add could write: this checkout's builds and their files, but not the stores and locks that
        other test workers sharing the cache prepare inside them meanwhile (a busy core gives them the time)."""
        return sorted(str(p) for p in cache_dir().glob(f"mrkg-{checkout_key()}-*/**/*")
                      if "graph.store" not in p.parts and p.name != "lock")

    article = tmp_path / "article.txt"
    article.write_bytes(content)
    before = builds()
    result = CliRunner().invoke(main, ["ingest", str(article), "--add"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ") and message in result.output
    assert "Traceback" not in result.output
    assert builds() == before
    assert not documents_dir().exists()


def test_expected_claims_score_an_article_on_the_command_line(tmp_path: Path) -> None:
    """`mrkg ingest ARTICLE --expected TABLE` prints the held-out measures of the tests (recall, agreement, the
    confusion matrix, each miss) on standard error, so a curator can score an article of their own; the report
    itself stays on standard output."""
    from click.testing import CliRunner

    from kg.cli import main

    article, table = OWN / "news-article.md", OWN / "news-article.tsv"
    result = CliRunner().invoke(main, ["ingest", str(article), "--expected", str(table), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("quote,subject,predicate")
    first, *rest = result.stderr.splitlines()
    expected = sum(1 for _ in table.open(encoding="utf-8")) - 1
    assert first.startswith(f"against {table}: recall ") and f" of {expected} expected claims" in first
    assert rest[0].startswith("curated \\ automatic") and any(line.startswith("not recalled  ") for line in rest)


@pytest.mark.parametrize("table, message", [
    ("quote\tsubject\n", "lacks the column(s) predicate, object, object_value, assessment"),
    ("quote\tsubject\tpredicate\tobject\tobject_value\tassessment\n", "no expected claims"),
    ("quote\tsubject\tpredicate\tobject\tobject_value\tassessment\nBaclofen is a pill.\tbaclofen\tstatement\t\tpill\ttrue\n",
     "line 2: assessment 'true' is not one of supported"),
    ("quote\tsubject\tpredicate\tobject\tobject_value\tassessment\n\tbaclofen\tstatement\t\tpill\tsupported\n",
     "line 2: the column quote is empty"),
    ("quote\tsubject\tpredicate\tobject\tobject_value\tassessment\nBaclofen.\tbaclofen\n", "line 2: fewer cells"),
], ids=["columns", "no-rows", "assessment", "empty-quote", "short-row"])
def test_a_bad_expected_table_is_one_line_naming_its_line(tmp_path: Path, table: str, message: str) -> None:
    from click.testing import CliRunner

    from kg.cli import main

    path = tmp_path / "expected.tsv"
    path.write_text(table, encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(OWN / "news-article.md"), "--expected", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.count("\n") == 1 and result.output.startswith(f"error: {path}") and message in result.output
