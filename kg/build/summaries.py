"""Derive: one interaction summary per pair of substances, from every statement that reaches the pair.

A statement reaches a pair directly (both are its participants) or through a class (a participant
is a drug class and the substance belongs to it or to a narrower class), so an interaction stated
once for "opioids" or "strong CYP1A2 inhibitors" reaches each member. For each pair the summary
holds, in the graph ``graph/mrkg-interaction-summaries``:

- ``mr:severity``: the worst graded severity that a credible source states (evidence rank 3 or
  better: labels, guidelines and databases, literature; not web articles); "not graded" when none
  grades it. A label's level is never overruled downwards, because the worst level wins.
- ``mr:evidenceLevel`` and ``mr:decidedBy``: the strongest evidence that states that severity, and
  its statements.
- ``mr:disagreement``: the credible graded levels lie two or more steps apart.
- ``mr:summarises`` every statement, ``mr:throughClass`` the classes that carried one to the pair.
- what the deciding statements say, copied onto the summary so that a query reads it in one step (a join
  through ``mr:decidedBy`` costs Oxigraph a pass over every summary): ``mr:decidingMechanismType`` (other than
  unknown), ``mr:decidingVia`` (enzymes, transporters, shared effects), ``mr:decidingManagement``, and
  ``mr:decidingLabelText`` (the sentence of a deciding statement whose evidence is a label).

The orders come from the ontology (``mr:severityRank``, ``mr:graded``, ``mr:evidenceRank``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from .. import iris
from ..vocab import MR

__all__ = ["SUMMARY_SOURCE", "CREDIBLE_RANK", "add_summaries"]

#: The source the summaries are registered under: MRKG's own computation.
SUMMARY_SOURCE = "mrkg-interaction-summaries"
#: Statements from evidence of this rank or better count for a summary's severity (4 is a web article).
CREDIBLE_RANK = 3
#: Graded levels this many steps apart or more are a disagreement.
DISAGREEMENT_STEPS = 2


@dataclass
class Statement:
    """One interaction statement as the summary needs it."""

    node: Node
    participants: list[Node]
    severity: Node
    evidence: Node | None
    evidence_rank: int
    says: list[tuple[URIRef, Node]] = field(default_factory=list)


@dataclass
class Pair:
    """What reaches one pair of substances."""

    statements: dict[Node, Statement] = field(default_factory=dict)
    classes: set[Node] = field(default_factory=set)


class Ranks:
    """The severity and evidence orders of the ontology."""

    def __init__(self, ontology: Graph) -> None:
        self.severity = {s: int(str(r)) for s, r in ontology.subject_objects(MR.severityRank)}
        self.graded = {s for s, g in ontology.subject_objects(MR.graded) if str(g) == "true"}
        self.evidence = {e: int(str(r)) for e, r in ontology.subject_objects(MR.evidenceRank)}
        self.by_rank = {rank: s for s, rank in self.severity.items()}
        self.not_graded = next(s for s in self.severity if s not in self.graded)


def add_summaries(dataset: Dataset, ontology: Graph) -> int:
    """Add the summary graph and its source description to ``dataset``; return the number of pairs."""
    ranks = Ranks(ontology)
    union, dataset.default_union = dataset.default_union, True  # read across every named graph
    try:
        pairs, labels = _pairs(dataset, ranks), {s: str(o) for s, o in dataset.subject_objects(RDFS.label)}
    finally:
        dataset.default_union = union
    graph = dataset.graph(URIRef(iris.graph_iri(SUMMARY_SOURCE)))
    source = URIRef(iris.source_iri(SUMMARY_SOURCE))
    for (a, b), pair in pairs.items():
        for triple in _summary(a, b, pair, ranks, source, labels):
            graph.add(triple)
    _describe_source(dataset, source)
    return len(pairs)


def _pairs(merged: Graph, ranks: Ranks) -> dict[tuple[Node, Node], Pair]:
    """Every pair of substances that some statement reaches, with what reaches it."""
    members = _class_members(merged)
    pairs: dict[tuple[Node, Node], Pair] = defaultdict(Pair)
    for statement in _statements(merged, ranks):
        expanded = [(p, members.get(p, {p})) for p in statement.participants]
        for i, (first, first_members) in enumerate(expanded):
            for second, second_members in expanded[i + 1:]:
                for a in first_members:
                    for b in second_members:
                        if a == b:
                            continue
                        pair = pairs[(a, b) if str(a) < str(b) else (b, a)]
                        pair.statements[statement.node] = statement
                        pair.classes |= {c for c, m in ((first, first_members), (second, second_members))
                                         if c in members and (a in m or b in m)}
    return pairs


def _statements(graph: Graph, ranks: Ranks) -> Iterable[Statement]:
    for node in set(graph.subjects(RDF.type, MR.DrugInteraction)):
        severity = graph.value(node, MR.severity)
        assert severity is not None, f"{node} has no severity (the build gives every statement one)"
        evidence = graph.value(node, MR.evidenceLevel)
        participants = sorted(set(graph.objects(node, MR.participant)), key=str)
        rank = ranks.evidence.get(evidence, CREDIBLE_RANK + 1) if evidence is not None else CREDIBLE_RANK + 1
        yield Statement(node, participants, severity, evidence, rank, _says(graph, node, evidence))


def _says(graph: Graph, node: Node, evidence: Node | None) -> list[tuple[URIRef, Node]]:
    """What a statement says that its summary repeats when the statement decides it: (summary property, value)."""
    says = [(MR.decidingMechanismType, m) for m in graph.objects(node, MR.mechanismType) if m != MR["mechanism-unknown"]]
    says += [(MR.decidingVia, v) for p in (MR.viaTarget, MR.sharedEffect) for v in graph.objects(node, p)]
    says += [(MR.decidingManagement, a) for a in graph.objects(node, MR.management)]
    if evidence == MR["evidence-regulatory-label"]:
        says += [(MR.decidingLabelText, t) for t in graph.objects(node, MR.sourceText)]
    return says


def _class_members(graph: Graph) -> dict[Node, set[Node]]:
    """Class → every substance in it or in a narrower class."""
    children: dict[Node, set[Node]] = defaultdict(set)
    for child, parent in graph.subject_objects(MR.parentClass):
        children[parent].add(child)
    direct: dict[Node, set[Node]] = defaultdict(set)
    for drug, cls in graph.subject_objects(MR.memberOf):
        direct[cls].add(drug)
    classes = set(graph.subjects(RDF.type, MR.DrugClass))

    def members(cls: Node, seen: frozenset[Node] = frozenset()) -> set[Node]:
        found = set(direct[cls])
        for child in children[cls] - seen:
            found |= members(child, seen | {cls})
        return found

    return {cls: members(cls) for cls in classes}


def _summary(a: Node, b: Node, pair: Pair, ranks: Ranks, source: Node,
             labels: dict[Node, str]) -> list[tuple]:
    credible = [s for s in pair.statements.values() if s.evidence_rank <= CREDIBLE_RANK]
    graded = [ranks.severity[s.severity] for s in credible if s.severity in ranks.graded]
    worst = ranks.by_rank[min(graded)] if graded else ranks.not_graded
    at_worst = [s for s in credible if s.severity == worst] or credible
    best_evidence = min((s.evidence_rank for s in at_worst), default=None)
    deciding = [s for s in at_worst if s.evidence_rank == best_evidence]
    node: Node = URIRef(iris.node_iri("interaction-summary", f"{_local(a)}--{_local(b)}"))
    triples: list[tuple[Node, Node, Node]] = [
               (node, RDF.type, MR.InteractionSummary), (node, MR.participant, a), (node, MR.participant, b),
               (node, RDFS.label, Literal(f"{labels.get(a, _local(a))} + {labels.get(b, _local(b))}")),
               (node, MR.severity, worst), (node, DCTERMS.source, source),
               (node, MR.disagreement, Literal(bool(graded) and max(graded) - min(graded) >= DISAGREEMENT_STEPS))]
    if not any(a in s.participants and b in s.participants for s in pair.statements.values()):
        triples += [(a, MR.interactsWith, b), (b, MR.interactsWith, a)]  # reached only through a class
    triples += [(node, MR.evidenceLevel, e) for e in {s.evidence for s in deciding if s.evidence is not None}]
    triples += [(node, MR.summarises, s.node) for s in pair.statements.values()]
    triples += [(node, MR.decidedBy, s.node) for s in deciding]
    triples += list({(node, p, o) for s in deciding for p, o in s.says})
    triples += [(node, MR.throughClass, c) for c in pair.classes]
    return triples


def _local(iri: Node) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _describe_source(dataset: Dataset, source: Node) -> None:
    graph = dataset.graph(URIRef(iris.SOURCES_GRAPH))
    for p, o in ((RDF.type, MR.Curation), (DCTERMS.identifier, Literal(SUMMARY_SOURCE)),
                 (DCTERMS.title, Literal("MRKG interaction summaries (computed at build time by kg/build/summaries.py)")),
                 (RDFS.label, Literal("MRKG interaction summaries")),
                 (DCTERMS.rights, Literal("CC-BY-4.0")), (MR.commercialUse, Literal("yes")),
                 (MR.graph, URIRef(iris.graph_iri(SUMMARY_SOURCE))),
                 (RDFS.comment, Literal("One node per pair of substances: the worst severity that a credible source "
                                        "states, its evidence level, and whether the sources disagree; computed from the "
                                        "interaction statements of this build, which keep their own sources."))):
        graph.add((source, p, o))
