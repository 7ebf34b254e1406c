"""Statistics: the dataset's VoID figures and its sourcing measures, computed once, in ``graph/mrkg-statistics``.

``stats-sourcing`` used to compute its measures live, reading every quad of every source's graph: 0.1 s on the built
graph and about 30 s at 5M triples. Computed here when the file is written, they cost one pass over the quads, and the
query reads eight flat rows. The graph holds:

- the dataset (``https://w3id.org/mrkg/dataset``, as ``/void`` of ``mrkg serve`` names it), a ``void:Dataset`` with
  ``void:triples`` (the triples of the default graph, the merge of every named graph, this one included),
  ``void:distinctSubjects``, ``void:properties`` and ``void:entities`` (nodes of a kind under ``mr:Entity``);
- one ``void:subset`` per source with the ``void:triples`` of its graph and the source (``dcterms:source``), and one
  ``void:classPartition`` per kind of entity with its ``void:entities``;
- one ``mr:SourcingMeasure`` per measure (``rdfs:label``, ``mr:measureCount``, ``mr:measureOf``, ``mr:measureRank``),
  as the live query defined them (``tests/test_statistics.py`` keeps that query and checks the two agree):

  - a *fact* is a distinct triple of a source's graph (a graph some ``?source mr:graph ?g`` names) whose subject is
    not an ``mr:Claim``; its sources are the sources whose graphs hold it;
  - *resting only on non-commercial sources*: every source that states it has ``mr:commercialUse "no"``;
  - *resting only on web articles*: in the graph of an ``mr:Article`` and in no graph of a source that is not one;
  - the drug measures count the ``mr:Drug`` nodes with an ``mr:atcCode``, ``mr:drugbankId``, ``mr:hasMechanism``,
    ``mr:indicatedFor`` (the plain edge of a label-approved use);
- one ``mr:LabelMeasure`` per measure of ``stats-labels`` (same properties): drugs (``mr:Drug``) with a statement
  that cites a label, with a label-approved indication, and with a contraindication, boxed warning, pregnancy,
  lactation, renal or hepatic statement, PK value, dose limit or reading of a label's start for a boxed warning
  (``mr:BoxReading``) whose ``mr:evidenceLevel`` is the label's; label
  sources (the kinds that ``mr:givesEvidence`` it) with a ``dcterms:date``;
- one ``mr:SeverityTally`` per severity (``mr:severity``; every node with an ``mr:severityRank``):
  ``mr:statementCount`` interaction statements and ``mr:pairCount`` summaries of that severity (``stats-interactions``);
- one ``mr:LabelCoverage`` per drug (``mr:coverageOf``) with eight counts, from any source (``label-coverage``):
  ``mr:indicationCount`` (distinct conditions of its ``mr:indicatedFor``), ``mr:contraindicationCount``,
  ``mr:boxedWarningCount``, ``mr:pregnancyCount``, ``mr:lactationCount``, ``mr:organImpairmentCount``,
  ``mr:pkValueCount``, ``mr:doseLimitCount`` (statements whose ``mr:drug`` it is);
- one ``mr:ClaimTally`` per article (``dcterms:source``) and assessment (``mr:tallyAssessment``) with its
  ``mr:claimCount`` (``stats-claims``).

Each of those queries once counted over the whole graph (2.5 s, 1.2 s, 1 s and 0.14 s at 5M triples); the live versions are
kept in ``tests/test_statistics.py``, which checks that they agree with these figures.

The figures are a function of the named-graph quads alone (:func:`compute_statistics`, quads as N-Triples terms), so
``bench/scale.py`` recomputes them, streaming, for a generated file. A statistics graph already among the quads is
left out: the figures describe the rest, and then themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import iris

__all__ = ["STATISTICS_GRAPH", "DATASET", "MEASURES", "LABEL_MEASURES", "COVERAGE", "Statistics", "compute_statistics",
           "statistics_lines",
           "quads_of_lines", "quads_of_file"]

#: The named graph of the statistics (not a source's graph: no source states them, the build computes them).
STATISTICS_GRAPH = iris.GRAPH_BASE + "mrkg-statistics"
#: The dataset node, the same IRI as the VoID description that ``mrkg serve`` gives at ``/void``.
DATASET = iris.BASE + "dataset"

#: The sourcing measures in their order: key (the node's last segment), label (the query's ``measure`` column).
MEASURES = (
    ("facts-sourced", "facts with at least one source"),
    ("facts-multi-sourced", "facts with two or more sources"),
    ("facts-article-only", "facts resting only on web articles"),
    ("facts-non-commercial-only", "facts resting only on non-commercial sources"),
    ("drugs-atc", "drugs with an ATC code"),
    ("drugs-drugbank", "drugs with a DrugBank id"),
    ("drugs-mechanism", "drugs with a mechanism"),
    ("drugs-indication", "drugs with a label-approved indication"),
)

#: The label measures in their order (``stats-labels``): key, label.
LABEL_MEASURES = (
    ("drugs-label-source", "drugs with a regulatory label source"),
    ("drugs-label-indication", "drugs with a label-approved indication"),
    ("drugs-label-contraindication", "drugs with a contraindication"),
    ("drugs-label-boxed-warning", "drugs with a boxed warning"),
    ("drugs-label-box-read", "drugs with a label read for a box"),
    ("drugs-label-pregnancy", "drugs with pregnancy information"),
    ("drugs-label-lactation", "drugs with lactation information"),
    ("drugs-label-organ-impairment", "drugs with renal or hepatic guidance"),
    ("drugs-label-pk", "drugs with pharmacokinetic values"),
    ("drugs-label-dose-limit", "drugs with a dose limit"),
    ("label-sources-dated", "label sources with a version date"),
)

#: The counts of a drug's label coverage, in the columns' order of ``label-coverage``: the property's local name.
COVERAGE = ("indicationCount", "contraindicationCount", "boxedWarningCount", "pregnancyCount", "lactationCount",
            "organImpairmentCount", "pkValueCount", "doseLimitCount")

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_VOID = "http://rdfs.org/ns/void#"
_DCT_SOURCE = "<http://purl.org/dc/terms/source>"
_DCT_DATE = "<http://purl.org/dc/terms/date>"
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _mr(name: str) -> str:
    return f"<{iris.VOCAB}{name}>"


_GRAPH, _COMMERCIAL, _NO = _mr("graph"), _mr("commercialUse"), '"no"'
_CLAIM, _ARTICLE, _DRUG, _ENTITY = _mr("Claim"), _mr("Article"), _mr("Drug"), _mr("Entity")
#: The drug measures' properties, in the order of MEASURES.
_DRUG_PROPERTIES = (_mr("atcCode"), _mr("drugbankId"), _mr("hasMechanism"), _mr("indicatedFor"))
_DRUG_OF = _mr("drug")
_ABOUT = (_DRUG_OF, _mr("participant"), _mr("activeIngredient"))  # a statement's drug, as stats-labels reads it
_TOPIC, _LEVEL, _SEVERITY, _RANK = _mr("warningTopic"), _mr("evidenceLevel"), _mr("severity"), _mr("severityRank")
_GIVES, _ASSESSMENT = _mr("givesEvidence"), _mr("assessment")
_LABEL_EVIDENCE = _mr("evidence-regulatory-label")
_TOPICS = {name: _mr(f"topic-{name}") for name in ("boxed-warning", "pregnancy", "lactation", "renal-impairment",
                                                    "hepatic-impairment")}
#: The objects kept, by predicate, for the label measures, the severity tallies and the coverage.
_KEPT = (*_ABOUT, *_DRUG_PROPERTIES, _DCT_SOURCE, _DCT_DATE, _TOPIC, _LEVEL, _SEVERITY, _RANK, _GIVES, _ASSESSMENT)

#: A quad as N-Triples terms: subject, predicate, object, graph name (an IRI in angle brackets).
Quad = tuple[str, str, str, str]


@dataclass
class Statistics:
    """The figures of one dataset (without its statistics graph)."""

    triples: int = 0  # distinct triples over the named graphs (the default graph's merge)
    subjects: int = 0
    properties: set[str] = field(default_factory=set)
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # entity kind → entities
    sources: dict[str, int] = field(default_factory=dict)  # source IRI → triples of its graph(s)
    measures: dict[str, tuple[int, int]] = field(default_factory=dict)  # measure key → (count, of)
    label_measures: dict[str, tuple[int, int]] = field(default_factory=dict)  # LABEL_MEASURES key → (count, of)
    severities: dict[str, tuple[int, int]] = field(default_factory=dict)  # severity → (statements, pairs)
    coverage: dict[str, tuple[int, ...]] = field(default_factory=dict)  # drug → its counts, in COVERAGE's order
    claims: dict[tuple[str, str], int] = field(default_factory=dict)  # (article, assessment) → claims


def compute_statistics(quads: Iterable[Quad]) -> Statistics:
    """The VoID figures and the sourcing measures of the named-graph ``quads`` (N-Triples terms, the graph last).

    One pass; it keeps the distinct triples (with the set of graphs of each as a bit mask) and the few facts about
    sources, types and the drug measures' properties. Quads of the statistics graph are skipped.
    """
    skip = f"<{STATISTICS_GRAPH}>"
    graph_bit: dict[str, int] = {}
    masks: dict[str, int] = {}
    graph_sources: dict[str, set[str]] = {}  # graph → sources that name it (mr:graph)
    closed: set[str] = set()  # sources with mr:commercialUse "no"
    typed: dict[str, set[str]] = {}  # class → nodes of that type
    subclass: dict[str, set[str]] = {}  # class → its direct subclasses
    kept: dict[str, dict[str, set[str]]] = {p: {} for p in _KEPT}  # predicate → subject → objects
    for s, p, o, g in quads:
        if g == skip:
            continue
        bit = graph_bit.get(g)
        if bit is None:
            bit = graph_bit[g] = 1 << len(graph_bit)
        key = f"{s} {p} {o}"
        masks[key] = masks.get(key, 0) | bit
        if p == _RDF_TYPE:
            typed.setdefault(o, set()).add(s)
        elif p == _GRAPH:
            graph_sources.setdefault(o, set()).add(s)
        elif p == _COMMERCIAL and o == _NO:
            closed.add(s)
        elif p == _SUBCLASS:
            subclass.setdefault(o, set()).add(s)
        if p in kept:
            kept[p].setdefault(s, set()).add(o)
    stats = _figures(masks, graph_bit, graph_sources, closed, typed, subclass, kept)
    _label_figures(stats, typed, kept)
    return stats


def _figures(masks: dict[str, int], graph_bit: dict[str, int], graph_sources: dict[str, set[str]], closed: set[str],
             typed: dict[str, set[str]], subclass: dict[str, set[str]], kept: dict[str, dict[str, set[str]]]) -> Statistics:
    articles, claims = typed.get(_ARTICLE, set()), typed.get(_CLAIM, set())
    # per graph bit: the sources naming it, how many of them are closed, article graph, graph of a non-article
    bit_sources = {bit: graph_sources.get(g, set()) for g, bit in graph_bit.items()}
    article_bits = sum(bit for bit, srcs in bit_sources.items() if srcs & articles)
    other_bits = sum(bit for bit, srcs in bit_sources.items() if srcs - articles)
    sourced_bits = sum(bit for bit, srcs in bit_sources.items() if srcs)

    stats = Statistics(triples=len(masks))
    subjects: set[str] = set()
    per_mask: Counter[int] = Counter()  # graph sets → triples
    fact_masks: Counter[int] = Counter()  # graph sets → triples whose subject is not a claim
    for key, mask in masks.items():
        subject, predicate, _ = key.split(" ", 2)
        subjects.add(subject)
        stats.properties.add(predicate)
        per_mask[mask] += 1
        if subject not in claims:  # claims are what articles say, not facts of the graph
            fact_masks[mask] += 1
    stats.subjects = len(subjects)
    facts = multi = closed_only = article_only = 0
    for mask, count in fact_masks.items():
        if mask & article_bits and not mask & other_bits:
            article_only += count
        if not mask & sourced_bits:
            continue
        sources: set[str] = set()
        closed_rows = 0
        for bit, srcs in bit_sources.items():
            if mask & bit:
                sources |= srcs
                closed_rows += len(srcs & closed)  # one row per (source, graph) holding it, as COUNT(?nc) counted
        facts += count
        multi += count * (len(sources) > 1)
        closed_only += count * (len(sources) == closed_rows)
    for mask, count in per_mask.items():
        for bit, srcs in bit_sources.items():
            if mask & bit:
                for src in srcs:
                    stats.sources[src] = stats.sources.get(src, 0) + count
    for src in {s for srcs in graph_sources.values() for s in srcs}:
        stats.sources.setdefault(src, 0)

    kinds, todo = {_ENTITY}, [_ENTITY]  # rdfs:subClassOf* mr:Entity
    while todo:
        for sub in subclass.get(todo.pop(), ()):
            if sub not in kinds:
                kinds.add(sub)
                todo.append(sub)
    stats.classes = {cls: len(typed[cls]) for cls in sorted(kinds) if typed.get(cls)}
    stats.entities = len(set().union(*(typed[cls] for cls in stats.classes)))

    drugs = typed.get(_DRUG, set())
    counts = [facts, multi, article_only, closed_only] + [len(drugs & kept[p].keys()) for p in _DRUG_PROPERTIES]
    for i, ((key, _), count) in enumerate(zip(MEASURES, counts, strict=True)):
        stats.measures[key] = (count, facts if i < 4 else len(drugs))
    return stats


def _label_figures(stats: Statistics, typed: dict[str, set[str]], kept: dict[str, dict[str, set[str]]]) -> None:
    """The label measures, severity tallies, label coverage and claim tallies, as ``stats-labels``,
    ``stats-interactions``, ``label-coverage`` and ``stats-claims`` counted them live."""
    drugs = typed.get(_DRUG, set())
    kinds = {k for k, levels in kept[_GIVES].items() if _LABEL_EVIDENCE in levels}
    label_sources = set().union(*(typed.get(k, set()) for k in kinds))
    of_drug, topic, level = kept[_DRUG_OF], kept[_TOPIC], kept[_LEVEL]

    def drugs_of(statements: Iterable[str]) -> set[str]:  # the drugs of the statements a label gives evidence for
        return {d for x in statements if _LABEL_EVIDENCE in level.get(x, ())
                for d in of_drug.get(x, ()) if d in drugs}

    def with_topic(*names: str) -> set[str]:
        wanted = {_TOPICS[n] for n in names}
        return {x for x, topics in topic.items() if topics & wanted}

    cited = {x for x, srcs in kept[_DCT_SOURCE].items() if srcs & label_sources}
    about_label = {d for p in _ABOUT for x in cited for d in kept[p].get(x, ()) if d in drugs}
    kinds_of = {"contraindication": typed.get(_mr("Contraindication"), set()), "boxed": with_topic("boxed-warning"),
                "pregnancy": with_topic("pregnancy"), "lactation": with_topic("lactation"),
                "organ": with_topic("renal-impairment", "hepatic-impairment"),
                "pk": typed.get(_mr("PharmacokineticValue"), set()), "limit": typed.get(_mr("DoseLimit"), set())}
    indicated = {d for d in kept[_mr("indicatedFor")] if d in drugs}
    measured = dict(kinds_of, read=typed.get(_mr("BoxReading"), set()))
    order = ("contraindication", "boxed", "read", "pregnancy", "lactation", "organ", "pk", "limit")
    counts = [len(about_label), len(indicated)] + [len(drugs_of(measured[kind])) for kind in order]
    for (key, _), count in zip(LABEL_MEASURES[:-1], counts, strict=True):  # the drug measures
        stats.label_measures[key] = (count, len(drugs))
    stats.label_measures[LABEL_MEASURES[-1][0]] = (len(label_sources & kept[_DCT_DATE].keys()), len(label_sources))

    interactions, summaries = typed.get(_mr("DrugInteraction"), set()), typed.get(_mr("InteractionSummary"), set())
    tally: dict[str, list[int]] = {sev: [0, 0] for sev in kept[_RANK]}
    for x, severities in kept[_SEVERITY].items():
        for sev in severities:
            if sev in tally:
                tally[sev][0] += x in interactions
                tally[sev][1] += x in summaries
    stats.severities = {sev: (n, m) for sev, (n, m) in tally.items()}

    per_drug: dict[str, list[int]] = {d: [0] * len(COVERAGE) for d in drugs}
    for d in indicated:
        per_drug[d][0] = len(kept[_mr("indicatedFor")][d])
    for i, statements in enumerate(kinds_of.values(), 1):
        for x in statements:
            for d in of_drug.get(x, ()):
                if d in per_drug:
                    per_drug[d][i] += 1
    stats.coverage = {d: tuple(c) for d, c in per_drug.items()}

    tallied: Counter[tuple[str, str]] = Counter()
    for claim in typed.get(_CLAIM, set()):
        for article in kept[_DCT_SOURCE].get(claim, ()):
            for assessment in kept[_ASSESSMENT].get(claim, ()):
                tallied[article, assessment] += 1
    stats.claims = dict(tallied)


def _integer(n: int) -> str:
    return f'"{n}"^^<{_INTEGER}>'


def _triples(stats: Statistics, triples: int, subjects: int, properties: int) -> list[tuple[str, str, str]]:
    dataset, void = f"<{DATASET}>", lambda name: f"<{_VOID}{name}>"  # noqa: E731
    out = [(dataset, _RDF_TYPE, void("Dataset")), (dataset, void("triples"), _integer(triples)),
           (dataset, void("distinctSubjects"), _integer(subjects)), (dataset, void("properties"), _integer(properties)),
           (dataset, void("entities"), _integer(stats.entities))]
    for source, count in sorted(stats.sources.items()):
        subset = f"<{DATASET}/{source.strip('<>').rsplit('/', 1)[-1]}>"
        out += [(dataset, void("subset"), subset), (subset, _RDF_TYPE, void("Dataset")),
                (subset, _DCT_SOURCE, source), (subset, void("triples"), _integer(count))]
    for cls, count in stats.classes.items():
        part = f"<{DATASET}/class/{cls.strip('<>').rsplit('/', 1)[-1]}>"
        out += [(dataset, void("classPartition"), part), (part, void("class"), cls),
                (part, void("entities"), _integer(count))]
    for rank, (key, label) in enumerate(MEASURES, 1):
        node, (count, of) = f"<{DATASET}/sourcing/{key}>", stats.measures[key]
        out += [(dataset, _mr("sourcingMeasure"), node), (node, _RDF_TYPE, _mr("SourcingMeasure")),
                (node, _LABEL, f'"{label}"'), (node, _mr("measureCount"), _integer(count)),
                (node, _mr("measureOf"), _integer(of)), (node, _mr("measureRank"), _integer(rank))]
    for rank, (key, label) in enumerate(LABEL_MEASURES, 1):
        node, (count, of) = f"<{DATASET}/labels/{key}>", stats.label_measures[key]
        out += [(dataset, _mr("labelMeasure"), node), (node, _RDF_TYPE, _mr("LabelMeasure")),
                (node, _LABEL, f'"{label}"'), (node, _mr("measureCount"), _integer(count)),
                (node, _mr("measureOf"), _integer(of)), (node, _mr("measureRank"), _integer(rank))]
    for severity, (statements, pairs) in sorted(stats.severities.items()):
        node = f"<{DATASET}/severity/{_local(severity)}>"
        out += [(dataset, _mr("severityTally"), node), (node, _RDF_TYPE, _mr("SeverityTally")),
                (node, _SEVERITY, severity), (node, _mr("statementCount"), _integer(statements)),
                (node, _mr("pairCount"), _integer(pairs))]
    for (article, assessment), count in sorted(stats.claims.items()):
        node = f"<{DATASET}/claims/{_local(article)}/{_local(assessment)}>"
        out += [(dataset, _mr("claimTally"), node), (node, _RDF_TYPE, _mr("ClaimTally")),
                (node, _DCT_SOURCE, article), (node, _mr("tallyAssessment"), assessment),
                (node, _mr("claimCount"), _integer(count))]
    for drug, counts in sorted(stats.coverage.items()):
        node = f"<{DATASET}/label-coverage/{_local(drug)}>"
        out += [(dataset, _mr("labelCoverage"), node), (node, _RDF_TYPE, _mr("LabelCoverage")),
                (node, _mr("coverageOf"), drug)]
        out += [(node, _mr(name), _integer(n)) for name, n in zip(COVERAGE, counts, strict=True)]
    return out


def _local(iri: str) -> str:
    """The last segment of an IRI in angle brackets."""
    return iri.strip("<>").rsplit("/", 1)[-1]


def statistics_lines(stats: Statistics) -> list[str]:
    """The statistics graph as N-Quads lines (without newlines), its figures counting its own triples too.

    Its subjects are new nodes and its triples new triples, so their number does not depend on the figures: the
    dataset's ``void:triples`` and ``void:distinctSubjects`` are those of the dataset with this graph in it.
    """
    draft = _triples(stats, 0, 0, 0)
    own_subjects = {s for s, _, _ in draft}
    properties = len(stats.properties | {p for _, p, _ in draft})
    final = _triples(stats, stats.triples + len(draft), stats.subjects + len(own_subjects), properties)
    return [f"{s} {p} {o} <{STATISTICS_GRAPH}> ." for s, p, o in final]


def quads_of_lines(lines: Iterable[str]) -> Iterator[Quad]:
    """The quads of N-Quads lines that each name their graph, as MRKG writes them (the graph an IRI, last)."""
    for line in lines:
        triple, graph = line.rsplit(" <", 1)
        s, p, o = triple.split(" ", 2)
        yield s, p, o, "<" + graph.rstrip(" .")


def quads_of_file(path: Path) -> Iterator[Quad]:
    """The named-graph quads of any N-Quads file, streamed (the default graph's triples are skipped)."""
    import pyoxigraph as ox

    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        if not isinstance(q.graph_name, ox.DefaultGraph):
            yield str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)
