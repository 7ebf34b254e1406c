"""IRIs of MRKG: one namespace, readable slugs, no third-party imports (safe for fast start-up)."""

from __future__ import annotations

import re

__all__ = [
    "BASE", "VOCAB", "GRAPH_BASE", "ONTOLOGY_GRAPH", "SOURCES_GRAPH", "MERGE_GRAPH", "PREFIXES",
    "SLUG", "entity_iri", "node_iri", "source_iri", "graph_iri", "slugify", "shorten", "date_datatype",
]

#: Namespace of every entity, statement, source and graph of the graph.
BASE = "https://w3id.org/mrkg/"
#: Namespace of the vocabulary (prefix ``mr:``).
VOCAB = BASE + "vocab/"
#: Namespace of the named graphs (one per source).
GRAPH_BASE = BASE + "graph/"
#: Named graph that holds the ontology (classes, properties, controlled values, mappings).
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
#: Named graph that holds the source registry (title, publisher, licence of every source).
SOURCES_GRAPH = GRAPH_BASE + "sources"

#: Where the merge of the named graphs goes on a server whose default graph is not that merge (Virtuoso's is the union
#: of all its graphs): given as --default-graph, outside graph: so that it is not taken for a source's graph.
MERGE_GRAPH = BASE + "merge"

#: The form every curated id takes.
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

#: Prefixes used in queries and to shorten IRIs for people.
PREFIXES: dict[str, str] = {
    "mr": VOCAB,
    "drug": BASE + "drug/",
    "class": BASE + "class/",
    "target": BASE + "target/",
    "mechanism": BASE + "mechanism/",
    "condition": BASE + "condition/",
    "effect": BASE + "effect/",
    "therapy": BASE + "therapy/",
    "source": BASE + "source/",
    "scale": BASE + "scale/",
    "level": BASE + "level/",
    "graph": GRAPH_BASE,
    "mrkg": BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def entity_iri(segment: str, slug: str) -> str:
    """IRI of an entity: ``entity_iri("drug", "baclofen")`` → ``https://w3id.org/mrkg/drug/baclofen``."""
    return f"{BASE}{segment}/{slug}"


def node_iri(kind: str, key: str) -> str:
    """IRI of a statement node (indication, interaction, claim, ...) from its kind and key."""
    return f"{BASE}{kind}/{key}"


def source_iri(source_id: str) -> str:
    """IRI of a registered source."""
    return f"{BASE}source/{source_id}"


def graph_iri(source_id: str) -> str:
    """IRI of the named graph that holds one source's facts."""
    return GRAPH_BASE + source_id


def slugify(text: str) -> str:
    """Lowercase ``text`` and join its alphanumeric runs with hyphens.

    >>> slugify("Botulinum toxin type A (Botox)")
    'botulinum-toxin-type-a-botox'
    """
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def shorten(iri: str) -> str:
    """Write ``iri`` as a short ``prefix:local`` name for people (longest prefix wins).

    >>> shorten("https://w3id.org/mrkg/drug/baclofen"), shorten("https://w3id.org/mrkg/vocab/memberOf")
    ('drug:baclofen', 'mr:memberOf')
    >>> shorten("http://example.org/x")
    'http://example.org/x'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    local = iri[len(PREFIXES[best]):] if best else ""
    return f"{best}:{local}" if local else iri


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: A date as sources give it → its XSD datatype: a day, a month or a year.
_DATE_FORMS = ((re.compile(r"\d{4}-\d{2}-\d{2}"), _XSD + "date"), (re.compile(r"\d{4}-\d{2}"), _XSD + "gYearMonth"),
               (re.compile(r"\d{4}"), _XSD + "gYear"))


def date_datatype(text: str) -> str | None:
    """The XSD datatype of a date written YYYY, YYYY-MM or YYYY-MM-DD (None for other text); ValueError for a month or
    day that does not exist (``2024-13``, ``2024-02-30``), which would make an ill-typed literal."""
    from datetime import date

    for pattern, datatype in _DATE_FORMS:
        if pattern.fullmatch(text):
            date.fromisoformat(f"{text}-01-01"[:10])
            return datatype
    return None
