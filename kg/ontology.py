"""Read the ontology: its triples, and the controlled values and identifier schemes it declares.

The TSV files name classes, controlled values, identifier schemes and claim predicates by short
codes; the ontology maps each code to its IRI (``mr:code``, ``mr:identifierScheme``,
``mr:claimPredicate``), so adding a value means editing ``ontology/values.ttl`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from .iris import VOCAB
from .paths import ONTOLOGY_DIR

__all__ = ["Scheme", "Vocabulary", "ontology_files", "load_ontology", "load_vocabulary"]

MR_CODE = URIRef(VOCAB + "code")

#: Ontology files that are not part of the vocabulary graph (validation shapes).
NOT_VOCABULARY = {"shapes.ttl"}

#: Roots of the class families whose subclasses a TSV ``kind`` column chooses from.
KIND_FAMILIES = ("Substance", "Target", "Condition", "Therapy", "Source")


@dataclass(frozen=True)
class Scheme:
    """An identifier scheme: the literal property, the Bioregistry prefix and the value pattern."""

    code: str
    prop: Node
    prefix: str
    pattern: re.Pattern[str]
    #: codes nest by prefix (mr:hierarchicalCode: ATC)
    hierarchical: bool = False


@dataclass
class Vocabulary:
    """Codes of the TSV files mapped to ontology IRIs."""

    #: controlled-value class local name (``Severity``) → code → individual IRI
    values: dict[str, dict[str, Node]] = field(default_factory=dict)
    #: family root local name (``Target``) → code → class IRI
    kinds: dict[str, dict[str, Node]] = field(default_factory=dict)
    #: scheme code → Scheme
    schemes: dict[str, Scheme] = field(default_factory=dict)
    #: claims.tsv predicate → property IRI
    claim_predicates: dict[str, Node] = field(default_factory=dict)
    #: claims.tsv predicate → what its object is: "entity", "literal" or a controlled-value class name
    claim_objects: dict[str, str] = field(default_factory=dict)


def ontology_files(directory: Path = ONTOLOGY_DIR) -> list[Path]:
    """The Turtle files that make up the vocabulary, in a stable order."""
    return sorted(p for p in directory.glob("*.ttl") if p.name not in NOT_VOCABULARY)


def load_ontology(directory: Path = ONTOLOGY_DIR) -> Graph:
    """Parse every vocabulary file of ``directory`` into one graph."""
    graph = Graph()
    for path in ontology_files(directory):
        graph.parse(path, format="turtle")
    return graph


def _local(iri: Node | None) -> str:
    return str(iri)[len(VOCAB):] if str(iri).startswith(VOCAB) else str(iri)


def load_vocabulary(graph: Graph) -> Vocabulary:
    """Collect the codes declared in the ontology ``graph``."""
    mr = lambda name: URIRef(VOCAB + name)  # noqa: E731
    vocab = Vocabulary()
    for cls in graph.transitive_subjects(RDFS.subClassOf, mr("ControlledValue")):
        if cls == mr("ControlledValue"):
            continue
        codes = vocab.values.setdefault(_local(cls), {})
        for individual in graph.subjects(RDF.type, cls):
            codes[str(graph.value(individual, MR_CODE))] = individual
    for family in KIND_FAMILIES:
        codes = vocab.kinds.setdefault(family, {})
        for cls in graph.transitive_subjects(RDFS.subClassOf, mr(family)):
            if cls is not None and (code := graph.value(cls, MR_CODE)) is not None:
                codes[str(code)] = cls
    for prop, code in graph.subject_objects(mr("identifierScheme")):
        prefix = graph.value(prop, mr("bioregistryPrefix"), default=Literal(str(code)))
        pattern = graph.value(prop, mr("pattern"), default=Literal(".+"))
        hierarchical = graph.value(prop, mr("hierarchicalCode")) == Literal(True)
        vocab.schemes[str(code)] = Scheme(str(code), prop, str(prefix), re.compile(str(pattern)), hierarchical)
    for prop, code in graph.subject_objects(mr("claimPredicate")):
        vocab.claim_predicates[str(code)] = prop
        range_name = _local(graph.value(prop, RDFS.range, default=URIRef("")))
        if (prop, RDF.type, OWL.DatatypeProperty) in graph:
            vocab.claim_objects[str(code)] = "literal"
        elif range_name in vocab.values:
            vocab.claim_objects[str(code)] = range_name
        else:
            vocab.claim_objects[str(code)] = "entity"
    return vocab
