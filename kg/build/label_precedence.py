"""Derive: where a regulatory label speaks about a use, its word decides the plain drug–condition edge.

Every indication statement stays as its source states it (a database's "approved", MEDI's
"off-label"), so a reader sees who says what. The plain edges beside them are for traversal and
must not contradict a label: for a drug–condition pair that a label (evidence ``regulatory-label``)
states as approved or as not indicated, this step removes the candidate (``mr:candidateIndicationFor``)
and off-label (``mr:usedOffLabelFor``) edges other sources drew. A label that approves the use
draws ``mr:indicatedFor`` itself; one that says "not indicated" leaves the pair with no use edge.
"""

from __future__ import annotations

from rdflib import RDF, Dataset, Graph
from rdflib.term import Node

from ..vocab import MR

__all__ = ["WEAKER_THAN_LABEL", "apply_label_precedence"]

#: Plain edges that a label's statement about the same pair overrules.
WEAKER_THAN_LABEL = (MR.candidateIndicationFor, MR.usedOffLabelFor)


def labelled_pairs(dataset: Dataset, ontology: Graph) -> set[tuple[Node, Node]]:
    """The (drug, condition) pairs of every indication statement that rests on a regulatory label."""
    label_evidence = ontology.value(MR.DrugLabel, MR.givesEvidence)
    pairs: set[tuple[Node, Node]] = set()
    for graph in dataset.graphs():
        for node in graph.subjects(MR.evidenceLevel, label_evidence):
            drug, condition = graph.value(node, MR.drug), graph.value(node, MR.condition)
            if (node, RDF.type, MR.Indication) in graph and drug is not None and condition is not None:
                pairs.add((drug, condition))
    return pairs


def apply_label_precedence(dataset: Dataset, ontology: Graph) -> int:
    """Remove the plain use edges that a label's statement about the same pair overrules; return how many."""
    pairs = labelled_pairs(dataset, ontology)
    removed = 0
    for graph in list(dataset.graphs()):
        for edge in WEAKER_THAN_LABEL:
            for drug, condition in list(graph.subject_objects(edge)):
                if (drug, condition) in pairs:
                    graph.remove((drug, edge, condition))
                    removed += 1
    return removed
