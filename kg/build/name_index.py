"""The name index: every name of every entity in lower case (``mr:nameKey``), in ``graph/mrkg-name-index``.

SPARQL has no case-insensitive index, so a lookup by name (``find-by-name``) had to lower-case every name of the graph
and compare: linear in the graph, 0.2 s at today's size and seconds at millions of facts. With the keys written once at
build time, the lookup is one indexed match of a literal. The names are the values of the properties the ontology
marks with ``mr:nameKind`` (labels, synonyms, brands, abbreviations); each key is SPARQL's ``LCASE`` of the name.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import iris
from ..vocab import MR

__all__ = ["NAME_INDEX_SOURCE", "add_name_index"]

#: The source the index is registered under: MRKG's own computation.
NAME_INDEX_SOURCE = "mrkg-name-index"


def add_name_index(dataset: Dataset, ontology: Graph) -> int:
    """Add the name keys of every entity's names, and the index's source description, to ``dataset``; their number."""
    name_properties = set(ontology.subjects(MR.nameKind, None))
    kinds = set(ontology.transitive_subjects(RDFS.subClassOf, MR.Entity))
    union, dataset.default_union = dataset.default_union, True  # read across every named graph
    try:
        entities = {s for kind in kinds for s in dataset.subjects(RDF.type, kind)}
        keys = {(s, Literal(str(o).lower())) for p in name_properties for s, o in dataset.subject_objects(p)
                if s in entities and isinstance(o, Literal)}
    finally:
        dataset.default_union = union
    graph = dataset.graph(URIRef(iris.graph_iri(NAME_INDEX_SOURCE)))
    for entity, key in keys:
        graph.add((entity, MR.nameKey, key))
    _describe_source(dataset, URIRef(iris.source_iri(NAME_INDEX_SOURCE)))
    return len(keys)


def _describe_source(dataset: Dataset, source: URIRef) -> None:
    graph = dataset.graph(URIRef(iris.SOURCES_GRAPH))
    for p, o in ((RDF.type, MR.Curation), (DCTERMS.identifier, Literal(NAME_INDEX_SOURCE)),
                 (DCTERMS.title, Literal("MRKG name index (computed at build time by kg/build/name_index.py)")),
                 (RDFS.label, Literal("MRKG name index")),
                 (DCTERMS.rights, Literal("CC-BY-4.0")), (MR.commercialUse, Literal("yes")),
                 (MR.graph, URIRef(iris.graph_iri(NAME_INDEX_SOURCE))),
                 (RDFS.comment, Literal("Each name of each entity in lower case, so that a lookup by name is one indexed "
                                        "match; the names themselves keep their sources."))):
        graph.add((source, p, o))
