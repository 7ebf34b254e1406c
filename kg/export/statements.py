"""The property graph of the exports: the entity graph of :mod:`kg.traverse` plus every qualified statement.

The one place that decides how a statement (an ``mr:Statement`` node: interaction, pair summary, indication,
adverse-effect association, contraindication, warning, pharmacokinetic value, dose limit, product, ...) reaches the
property-graph formats (Neo4j, GraphML, GEXF, Cytoscape.js, CSV, KGX). Nothing here names a kind or a field:

- the kinds are the subclasses of ``mr:Statement`` in the ontology;
- a kind whose class has ``mr:edgeFrom`` and ``mr:edgeTo`` (ontology/mrkg.ttl) becomes one **relationship** per
  statement, from the entity of the first property to the entity of the second, keyed by the statement;
- every other kind becomes a **node** of its kind (its type the class), linked to each entity it names by an edge
  keyed by the property (``mr:participant``, ``mr:drug``, ``mr:viaTarget``, ...);
- the fields are the properties the statements have in the graph, named by their local name (``severity``,
  ``evidenceLevel``, ``management``, ``approvalStatus``, ...): a controlled value or an entity by its label,
  a source by its identifier (``sources``), a literal as written; a field that holds several values for some
  statement of its kind is a list for all of them.

A statement is kept when every entity it names is in the entity graph given, so a subgraph (``--around``) holds
the statements among its entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..iris import shorten
from ..store import Store

__all__ = ["Field", "Kind", "property_graph", "statement_data", "statement_fields", "statement_kinds", "columns", "cell",
           "STATEMENT_FILE"]

#: The statement classes, with their labels, the relationship ends the ontology gives them, and what KGX says of them.
KINDS_QUERY = """
SELECT ?kind ?label ?from ?to ?predicate ?level ?agent WHERE {
  ?kind rdfs:subClassOf mr:Statement .
  OPTIONAL { ?kind rdfs:label ?label }
  OPTIONAL { ?kind mr:edgeFrom ?from ; mr:edgeTo ?to }
  OPTIONAL { ?kind mr:edgePredicate ?predicate }
  OPTIONAL { ?kind mr:knowledgeLevel ?level }
  OPTIONAL { ?kind mr:agentType ?agent }
}"""

#: Every value of every statement, with the value's label and identifier when it has them.
VALUES_QUERY = """
SELECT ?statement ?kind ?p ?o ?label ?id ?negated WHERE {
  ?kind rdfs:subClassOf mr:Statement .
  ?statement a ?kind ; ?p ?o .
  FILTER(?p != rdf:type)
  FILTER NOT EXISTS { ?p mr:shortcutOf ?pattern }  # a query's shortcut; its statements are exported themselves
  OPTIONAL { ?o rdfs:label ?label }
  OPTIONAL { ?o dcterms:identifier ?id }
  OPTIONAL { ?o mr:negated ?negated }
}"""

#: Each entity's cross-references (the build's bioregistry.io IRIs of its identifiers), with the named graph that says so.
XREFS_QUERY = """
SELECT ?entity ?xref ?g WHERE {
  GRAPH ?g { ?entity skos:exactMatch ?xref }
  FILTER(STRSTARTS(STR(?xref), "https://bioregistry.io/"))
}"""

#: Where a source's table gave an identifier, the evidence record of the code (its table and row: mr:sourceDetail).
XREF_DETAILS_QUERY = """
SELECT ?entity ?prefix ?code ?detail WHERE {
  ?p mr:bioregistryPrefix ?prefix .
  ?evidence a mr:Evidence ; rdf:predicate ?p ; rdf:subject ?entity ; rdf:object ?code ; mr:sourceDetail ?detail .
}"""
#: The SKOS relation of a scheme's identifiers when it is not skos:exactMatch (mr:mappingPredicate).
MAPPING_PREDICATES_QUERY = "SELECT ?prefix ?predicate WHERE { ?p mr:bioregistryPrefix ?prefix ; mr:mappingPredicate ?predicate }"

#: Bioregistry prefix → Biolink prefix of each identifier scheme that has one (mr:biolinkPrefix in the ontology).
BIOLINK_PREFIXES_QUERY = "SELECT ?bioregistry ?biolink WHERE { ?p mr:bioregistryPrefix ?bioregistry ; mr:biolinkPrefix ?biolink }"
BIOREGISTRY = "https://bioregistry.io/"

#: Labels of the properties statements use (the edge labels of the links from a statement node).
PROPERTY_LABELS_QUERY = """
SELECT DISTINCT ?p ?label WHERE {
  ?kind rdfs:subClassOf mr:Statement . ?statement a ?kind ; ?p ?o . ?p rdfs:label ?label
}"""

SOURCE = "http://purl.org/dc/terms/source"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Field names that are not the property's local name.
RENAMED = {SOURCE: "sources", IDENTIFIER: "identifier", LABEL: "name"}
#: Literal datatypes and the value type their field has (anything else is a string).
DATATYPES = {XSD + "boolean": "boolean", XSD + "integer": "long", XSD + "decimal": "double", XSD + "double": "double",
             XSD + "float": "double"}

#: The file a prepared store keeps the statement data in (kg/cache.py), like the projection beside it.
STATEMENT_FILE = "statements.json"


@dataclass(frozen=True)
class Field:
    """One field of a statement kind: its name, value type (string, boolean, long, double) and whether it is a list."""

    name: str
    type: str
    multiple: bool


def _statement_data(store: Store) -> dict[str, Any]:
    """The statements as JSON data: kinds (CURIE → label, from, to), fields per kind, property labels, statements.

    Each statement is ``[iri, kind, {field: [values]}, [[property, entity], ...]]``, its links being the values that
    are entities of the projection (for a relationship kind, only its two ends).
    """
    from ..traverse import project

    projection = project(store)
    kinds = {shorten(k.value): [label.value if label else shorten(k.value), shorten(f.value) if f else None,
                                shorten(t.value) if t else None, shorten(pred.value) if pred else None,
                                level.value if level else None, agent.value if agent else None]
             for k, label, f, t, pred, level, agent in store.query(KINDS_QUERY).rows if k}
    statements, types = _statements(store, kinds, projection)
    property_labels = {shorten(p.value): label.value for p, label in store.query(PROPERTY_LABELS_QUERY).rows if p and label}
    prefixes = {b.value: bl.value for b, bl in store.query(BIOLINK_PREFIXES_QUERY).rows if b and bl}
    return {"kinds": kinds, "fields": _fields(kinds, statements, types), "property_labels": property_labels,
            "statements": sorted(statements.values()), "xrefs": _xrefs(store, projection),
            "biolink_prefixes": prefixes,
            "mapping_predicates": {p.value: shorten(o.value) for p, o in store.query(MAPPING_PREDICATES_QUERY).rows if p and o}}


def _statements(store: Store, kinds: dict[str, list], projection: Any) -> tuple[dict[str, list], dict[tuple[str, str], str]]:
    """Statement IRI → ``[iri, kind, {field: [values]}, [[property, entity], ...]]`` (values and links sorted), and
    (kind, field) → the field's datatype where it is not a string."""
    statements: dict[str, list] = {}
    types: dict[tuple[str, str], str] = {}
    for s, cls, p, o, label, ident, negated in store.query(VALUES_QUERY).rows:
        assert s is not None and cls is not None and p is not None and o is not None
        entry = statements.setdefault(s.value, [s.value, shorten(cls.value), {}, []])
        if negated is not None and negated.value == "true":
            entry[2]["negated"] = ["true"]
            types[entry[1], "negated"] = "boolean"
        prop, ends = shorten(p.value), kinds[entry[1]][1:3]
        if o.kind == "uri" and o.value in projection and (not ends[0] or prop in ends):
            entry[3].append([prop, o.value])
            continue
        name = RENAMED.get(p.value, prop.split(":", 1)[-1])
        if p.value == SOURCE:
            value = ident.value if ident else shorten(o.value)
        elif o.kind == "uri":  # a controlled value, another statement, or an entity beside a relationship's two ends
            value = label.value if label else shorten(o.value)
        else:
            value = o.value
            types[entry[1], name] = DATATYPES.get(o.datatype or "", "string") if o.kind == "literal" else "string"
        values = entry[2].setdefault(name, [])
        if value not in values:
            values.append(value)
    for rows in statements.values():
        rows[3].sort()
        for values in rows[2].values():
            values.sort()
    return statements, types


def _fields(kinds: dict[str, list], statements: dict[str, list],
            types: dict[tuple[str, str], str]) -> dict[str, list[list]]:
    """Kind → its fields as ``[name, datatype, multiple]``: multiple when some statement has several values."""
    fields: dict[str, list[list]] = {}
    for kind in kinds:
        multiple: dict[str, bool] = {}
        for _, of_kind, values, _ in statements.values():
            if of_kind == kind:
                for name, found in values.items():
                    multiple[name] = multiple.get(name, False) or len(found) > 1 or name == "sources"
        is_node = not kinds[kind][1]
        fields[kind] = [[name, types.get((kind, name), "string"), multiple[name]] for name in sorted(multiple)
                        if not (is_node and name == "name")]  # a node's label is its name
    return fields


def _xrefs(store: Store, projection: Any) -> dict[str, list[list[str]]]:
    """Entity IRI → its cross-references as sorted ``[curie, graph, detail]``."""
    details = {(e.value, f"{p.value}:{c.value}"): d.value
               for e, p, c, d in store.query(XREF_DETAILS_QUERY).rows if e and p and c and d}
    xrefs: dict[str, list[list[str]]] = {}
    for entity, xref, g in store.query(XREFS_QUERY).rows:
        assert entity is not None and xref is not None and g is not None
        if entity.value in projection:
            curie = xref.value.removeprefix(BIOREGISTRY)
            xrefs.setdefault(entity.value, []).append([curie, g.value, details.get((entity.value, curie), "")])
    return {e: sorted(x) for e, x in sorted(xrefs.items())}


def statement_data(store: Store) -> dict[str, Any]:
    """:func:`_statement_data`, computed once for a prepared store and kept beside it (about 2 s on the built graph)."""
    from ..cache import kept_beside

    return kept_beside(store, STATEMENT_FILE, __file__, lambda: _statement_data(store))


def statement_fields(graph: nx.MultiDiGraph) -> dict[str, list[Field]]:
    """Statement kind (CURIE) → its fields, as :func:`property_graph` recorded them on ``graph``."""
    return {kind: [Field(*f) for f in fields] for kind, fields in graph.graph.get("statement_fields", {}).items()}


@dataclass(frozen=True)
class Kind:
    """A statement kind as the ontology describes it (mrkg.ttl): label, relationship or node, plain relation, KGX terms."""

    label: str
    relationship: bool
    predicate: str | None
    knowledge_level: str | None
    agent_type: str | None


def statement_kinds(graph: nx.MultiDiGraph) -> dict[str, Kind]:
    """Statement kind (CURIE) → its :class:`Kind`, as :func:`property_graph` recorded them on ``graph``."""
    return {kind: Kind(label, bool(f and t), predicate, level, agent)
            for kind, (label, f, t, predicate, level, agent) in graph.graph.get("statement_kinds", {}).items()}


def property_graph(store: Store, entities: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``entities`` (the entity graph or a subgraph of it) with the statements among its entities added.

    A relationship statement is an edge keyed by the statement's CURIE, with ``predicate`` its class, ``label`` the
    class label, ``statement`` its IRI, and its fields. A node statement is a node (``type`` its class) with its fields,
    and an edge keyed by each property that links it to an entity. Every element has ``label`` and ``sources``.
    """
    data = statement_data(store)
    graph = entities.copy()
    graph.graph.update(statement_kinds=data["kinds"], statement_fields=data["fields"], biolink_prefixes=data["biolink_prefixes"],
                       mapping_predicates=data["mapping_predicates"])
    graph.graph["xref_records"] = {e: records for e, records in data["xrefs"].items() if e in graph}
    for entity, records in graph.graph["xref_records"].items():
        graph.nodes[entity]["xrefs"] = sorted({curie for curie, _, _ in records})
    for iri, kind, values, links in data["statements"]:
        label, end_from, end_to = data["kinds"][kind][:3]
        if not all(entity in entities for _, entity in links):
            continue
        fields = {name: vals if _multiple(data, kind, name) else vals[0] for name, vals in values.items()}
        sources = values.get("sources", [])
        if end_from and end_to:
            ends = _ends(links, end_from, end_to)
            if ends is None:
                continue
            graph.add_edge(*ends, key=shorten(iri), predicate=_expand(kind), label=label, statement=iri,
                           **{k: v for k, v in fields.items() if k != "sources"}, sources=sources)
        else:
            name = fields.pop("name", None) or _name(label, links, entities)
            graph.add_node(iri, label=name, type=kind, type_label=label, **{k: v for k, v in fields.items()})
            for prop, entity in links:
                graph.add_edge(iri, entity, key=prop, predicate=_expand(prop),
                               label=data["property_labels"].get(prop, prop), sources=sources)
    return graph


def _multiple(data: dict, kind: str, name: str) -> bool:
    return any(f[0] == name and f[2] for f in data["fields"][kind])


def _ends(links: list[list[str]], end_from: str, end_to: str) -> tuple[str, str] | None:
    """The two entities a relationship statement joins (its participants in IRI order when both ends are one property)."""
    starts = sorted({e for p, e in links if p == end_from})
    ends = sorted({e for p, e in links if p == end_to})
    if end_from == end_to:
        return (starts[0], starts[1]) if len(starts) == 2 else None
    return (starts[0], ends[0]) if len(starts) == 1 and len(ends) == 1 else None


def _name(label: str, links: list[list[str]], entities: nx.MultiDiGraph) -> str:
    """A readable name for a statement node without a label: ``drug interaction: ciprofloxacin + tizanidine``."""
    names = sorted({entities.nodes[e].get("label", e) for _, e in links})
    return f"{label}: {' + '.join(names)}"


def _expand(curie: str) -> str:
    from ..iris import PREFIXES

    prefix, _, local = curie.partition(":")
    return PREFIXES.get(prefix, prefix + ":") + local


def columns(graph: nx.MultiDiGraph, relationships: bool) -> list[Field]:
    """The fields of the relationship kinds (or of the node kinds) of ``graph``, each name once, in kind order."""
    kinds = statement_kinds(graph)
    seen: dict[str, Field] = {}
    for kind, fields in sorted(statement_fields(graph).items()):
        if kinds[kind].relationship == relationships:
            for field in fields:
                if field.name not in seen:
                    seen[field.name] = field
                elif field.multiple and not seen[field.name].multiple:
                    seen[field.name] = field
    return list(seen.values())


def cell(value: object) -> str:
    """A field value as one table cell: a list joined by ``;``, nothing as the empty string."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)
