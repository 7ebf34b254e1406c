"""KGX TSV of the property graph, for Biolink tooling: node and edge tables with Biolink categories, predicates and ids.

- **Nodes** are the entities and the statement nodes whose class maps to a Biolink node category (products, as
  ``biolink:Drug``). A node's ``id`` is its first identifier in the order the Biolink Model prefers for its category
  (ontology/biolink-id-prefixes.tsv), written with the Biolink prefix of its scheme (``mr:biolinkPrefix``); a node
  without one, or whose identifier another node also has, gets an MRKG id (``MRKG.DRUG:baclofen``: one prefix per
  segment of MRKG's IRIs, :func:`mrkg_prefixes`). ``xref`` and ``equivalent_identifiers`` list its other identifiers.
- **Edges** are the entity edges, the statement relationships, and the statement nodes with a plain relation
  (``mr:edgePredicate``: each drug interaction, as an edge between its two participants). Categories and
  predicates come from ontology/mappings.ttl through the superclasses and superproperties of mrkg.ttl; a
  statement's fields ride along as edge properties, under the Biolink slot its property matches exactly
  (``sourceText`` → ``supporting_text``) or else under its own name (``severity``, ``evidenceLevel``, ...).
  Knowledge sources are ``infores:`` ids of the sources; knowledge level and agent type come from the statement's
  class (``mr:knowledgeLevel``, ``mr:agentType``), else ``knowledge_assertion`` by a ``manual_agent``.

Warnings, pharmacokinetic values, dose limits and metabolic conversions have no Biolink node or edge of their own:
they are in the other property-graph formats, not here.
"""

from __future__ import annotations

import csv
import io
import tarfile
from collections import Counter
from functools import cache
from pathlib import Path

import networkx as nx

from ..iris import BASE, VOCAB, shorten
from ..paths import ONTOLOGY_DIR
from .statements import Field, cell, statement_fields, statement_kinds

__all__ = ["biolink_category", "biolink_predicate", "kgx_tables", "write_kgx", "mrkg_curie", "mrkg_prefixes",
           "KGX_NODE_COLUMNS", "KGX_EDGE_COLUMNS"]

BIOLINK = "https://w3id.org/biolink/vocab/"
#: The infores id of MRKG itself, the aggregator of every edge.
MRKG_INFORES = "infores:mrkg"

KGX_NODE_COLUMNS = ["id", "category", "name", "xref", "equivalent_identifiers", "iri", "provided_by"]
KGX_EDGE_COLUMNS = ["id", "subject", "predicate", "object", "original_predicate", "category", "negated",
                    "primary_knowledge_source", "aggregator_knowledge_source", "knowledge_level", "agent_type"]


@cache
def _mappings() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """mr: term → (best) Biolink CURIE; mr: term → its parent in mrkg.ttl; mr: property → the Biolink slot it matches exactly."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS, SKOS

    graph = Graph()
    graph.parse(ONTOLOGY_DIR / "mappings.ttl", format="turtle")
    graph.parse(ONTOLOGY_DIR / "mrkg.ttl", format="turtle")
    best: dict[str, str] = {}
    for relation in (SKOS.broadMatch, SKOS.closeMatch, SKOS.exactMatch):  # later (stronger) matches win
        for term, target in sorted(graph.subject_objects(relation)):
            if str(target).startswith(BIOLINK) and str(term).startswith(VOCAB):
                best[str(term)] = "biolink:" + str(target)[len(BIOLINK):]
    parents = {str(s): str(o) for rel in (RDFS.subClassOf, RDFS.subPropertyOf)
               for s, o in graph.subject_objects(rel) if isinstance(o, URIRef)}
    exact = {str(s)[len(VOCAB):]: str(o)[len(BIOLINK):] for s, o in graph.subject_objects(SKOS.exactMatch)
             if str(s).startswith(VOCAB) and str(o).startswith(BIOLINK) and str(o)[len(BIOLINK):][:1].islower()}
    return best, parents, exact


def _biolink(term_curie: str, fallback: str) -> str:
    best, parents, _ = _mappings()
    iri = VOCAB + term_curie.removeprefix("mr:")
    while iri:
        if iri in best:
            return best[iri]
        iri = parents.get(iri, "")
    return fallback


def biolink_category(type_curie: str) -> str:
    """The Biolink category of a type, through ontology/mappings.ttl and superclasses (``mr:Drug`` → ``biolink:Drug``)."""
    return _biolink(type_curie, "biolink:NamedThing")


def biolink_predicate(predicate_curie: str) -> str:
    """The Biolink predicate of a relation, through mappings.ttl and superproperties, else ``biolink:related_to``."""
    predicate = _biolink(predicate_curie, "biolink:related_to")
    return predicate if predicate[8:9].islower() else "biolink:related_to"  # a slot, not a class


def _is_association(category: str) -> bool:
    return category.endswith("Association")


@cache
def _preferred_prefixes() -> dict[str, list[str]]:
    """Biolink category → the id prefixes it prefers, best first (ontology/biolink-id-prefixes.tsv)."""
    lines = (ONTOLOGY_DIR / "biolink-id-prefixes.tsv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader((line for line in lines if not line.startswith("#")), delimiter="\t"))
    return {row["category"]: row["prefixes"].split() for row in rows}


def mrkg_curie(iri: str) -> str:
    """MRKG's own KGX id of an IRI, one prefix per segment (a KGX CURIE's local part holds no ``/``).

    >>> mrkg_curie("https://w3id.org/mrkg/drug/baclofen")
    'MRKG.DRUG:baclofen'
    """
    segment, _, local = iri.removeprefix(BASE).partition("/")
    if not iri.startswith(BASE) or not local or "/" in local:
        raise ValueError(f"no MRKG KGX id for {iri}")
    return f"MRKG.{segment.upper()}:{local}"


def mrkg_prefixes(curies: list[str]) -> dict[str, str]:
    """The prefix map of the MRKG ids among ``curies``: ``MRKG.DRUG`` → ``https://w3id.org/mrkg/drug/``."""
    return {prefix: f"{BASE}{prefix.removeprefix('MRKG.').lower()}/"
            for prefix in sorted({c.split(":", 1)[0] for c in curies if c.startswith("MRKG.")})}


def _biolink_xrefs(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """The node's identifiers as Biolink CURIEs (``drugbank:DB00181`` → ``DRUGBANK:DB00181``), schemes without one left out."""
    prefixes = graph.graph.get("biolink_prefixes", {})
    found = []
    for xref in graph.nodes[node].get("xrefs", []):
        scheme, _, local = xref.partition(":")
        if scheme in prefixes:
            found.append(f"{prefixes[scheme]}:{local}")
    return sorted(found)


def _kgx_nodes(graph: nx.MultiDiGraph) -> dict[str, tuple[str, list[str]]]:
    """Node IRI → (KGX id, category) for every node KGX holds; an identifier shared by two nodes is no one's id."""
    kinds = statement_kinds(graph)
    chosen: dict[str, tuple[str, list[str]]] = {}
    for node, data in graph.nodes(data=True):
        category = biolink_category(data["type"])
        if data["type"] in kinds and _is_association(category):
            continue
        xrefs = _biolink_xrefs(graph, node)
        order = _preferred_prefixes().get(category, [])
        ranked = sorted((order.index(x.split(":", 1)[0]), x) for x in xrefs if x.split(":", 1)[0] in order)
        chosen[node] = (category, [x for _, x in ranked])
    claims = Counter(candidate for _, candidates in chosen.values() for candidate in set(candidates))
    ids: dict[str, tuple[str, list[str]]] = {}
    for node, (category, candidates) in chosen.items():
        own = [c for c in candidates if claims[c] == 1]
        ids[node] = (own[0] if own else mrkg_curie(node), [category])
    return ids


def _edge_property(field: str) -> str:
    """A statement field's KGX edge property: the Biolink slot its mr: property matches exactly, else its own name."""
    return _mappings()[2].get(field, field)


def _knowledge_sources(sources: list[str]) -> tuple[str, str]:
    infores = [f"infores:{s}" for s in sources]
    return (infores[0] if infores else MRKG_INFORES), "|".join([MRKG_INFORES, *infores[1:]])


def kgx_tables(graph: nx.MultiDiGraph) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    """KGX node header and rows, edge header and rows, for the property graph ``graph``."""
    kinds, fields = statement_kinds(graph), statement_fields(graph)
    ids = _kgx_nodes(graph)
    node_kinds = sorted({graph.nodes[n]["type"] for n in ids} & set(kinds))
    edge_kinds = sorted(k for k, spec in kinds.items() if spec.predicate)
    node_extra = _properties(fields, node_kinds)
    edge_extra = _properties(fields, edge_kinds)
    nodes = []
    for node, (kgx_id, categories) in sorted(ids.items(), key=lambda item: item[1][0]):
        data = graph.nodes[node]
        others = [x for x in _biolink_xrefs(graph, node) if x != kgx_id]
        values = _values(data, fields.get(data["type"], []))
        nodes.append([kgx_id, "|".join(categories), data["label"], "|".join(others), "|".join(sorted({*others, kgx_id})),
                      node, MRKG_INFORES, *(values.get(name, "") for name in node_extra)])
    rows = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True)):
        kind = shorten(data["predicate"]) if "statement" in data else None
        if kind is not None:
            rows.append(_statement_edge(ids[u][0], ids[v][0], kind, data, kinds, fields[kind], edge_extra))
        elif u in ids and v in ids:
            primary, aggregators = _knowledge_sources(data["sources"])
            rows.append([_edge_id(ids[u][0], key, ids[v][0]), ids[u][0], biolink_predicate(key), ids[v][0], key,
                         "biolink:Association", "", primary, aggregators, "knowledge_assertion", "manual_agent",
                         *([""] * len(edge_extra))])
    for node, data in sorted(graph.nodes(data=True)):
        kind = data["type"]
        if kind in edge_kinds and node not in ids:
            ends = _participants(graph, node)
            if ends and all(e in ids for e in ends):
                rows.append(_statement_edge(ids[ends[0]][0], ids[ends[1]][0], kind, {**data, "statement": node}, kinds,
                                            fields[kind], edge_extra))
    return KGX_NODE_COLUMNS + node_extra, nodes, KGX_EDGE_COLUMNS + edge_extra, rows


def _properties(fields: dict[str, list[Field]], kinds: list[str]) -> list[str]:
    """The KGX property columns of the statements of ``kinds`` (their sources are knowledge sources, not a column)."""
    return sorted({_edge_property(f.name) for kind in kinds for f in fields[kind]} - {"sources", "negated"})


def _values(data: dict, fields: list[Field]) -> dict[str, str]:
    """A statement's field values by KGX property (lists ``|``-joined, as KGX TSV writes them)."""
    return {_edge_property(f.name): cell(data.get(f.name)).replace(";", "|") if f.multiple else cell(data.get(f.name))
            for f in fields}


def _participants(graph: nx.MultiDiGraph, statement: str) -> tuple[str, str] | None:
    """The two ends of a statement node's edge: precipitant → affected drug where the source says, else its participants."""
    links = {key: v for _, v, key in graph.out_edges(statement, keys=True)}
    if "mr:precipitantDrug" in links and "mr:affectedDrug" in links:
        return links["mr:precipitantDrug"], links["mr:affectedDrug"]
    participants = sorted({v for _, v, key in graph.out_edges(statement, keys=True) if key == "mr:participant"})
    return (participants[0], participants[1]) if len(participants) == 2 else None


def _statement_edge(subject: str, obj: str, kind: str, data: dict, kinds: dict, fields: list[Field],
                    extra: list[str]) -> list[str]:
    """One KGX edge row of a statement (a relationship, or a node with a plain relation)."""
    spec = kinds[kind]
    primary, aggregators = _knowledge_sources(data.get("sources", []))
    values = _values(data, fields)
    assert spec.predicate, f"{kind} has no mr:edgePredicate"
    return [mrkg_curie(data["statement"]), subject, biolink_predicate(spec.predicate), obj, spec.predicate,
            _biolink(kind, "biolink:Association"), "True" if data.get("negated") == "true" else "",
            primary, aggregators, spec.knowledge_level or "knowledge_assertion", spec.agent_type or "manual_agent",
            *(values.get(name, "") for name in extra)]


def _edge_id(subject: str, key: str, obj: str) -> str:
    """An entity edge's id, from its ends and relation: ``MRKG.EDGE:RXCUI.1292--memberOf--MRKG.CLASS.muscle-relaxants``."""
    return "MRKG.EDGE:" + "--".join((subject.replace(":", "."), key.removeprefix("mr:"), obj.replace(":", ".")))


def _tsv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_kgx(graph: nx.MultiDiGraph, path: Path) -> None:
    """A tar.gz of ``mrkg_nodes.tsv`` and ``mrkg_edges.tsv`` (KGX TSV, lists ``|``-separated)."""
    node_header, nodes, edge_header, edges = kgx_tables(graph)
    with tarfile.open(path, "w:gz") as archive:
        for name, data in (("mrkg_nodes.tsv", _tsv(node_header, nodes)), ("mrkg_edges.tsv", _tsv(edge_header, edges))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
