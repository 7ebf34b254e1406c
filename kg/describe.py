"""Describe: everything the graph knows about one entity, grouped by relation, each fact with its sources.

(Every query here projects ``?entity``: Oxigraph binds a variable only if the SELECT clause names it.)
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

from .iris import shorten
from .store import Result, Store, Term

T = TypeVar("T")

__all__ = ["Fact", "EntityReport", "describe", "Infobox", "InfoValue", "infobox", "link_out"]

DCTERMS_SOURCE = "http://purl.org/dc/terms/source"
#: Names for the few non-MRKG predicates a report shows.
PREDICATE_NAMES = {
    "http://www.w3.org/2004/02/skos/core#altLabel": "synonym",
    "http://www.w3.org/2004/02/skos/core#definition": "definition",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
}
SYMMETRIC = {"https://w3id.org/mrkg/vocab/interactsWith"}
#: Property and value labels (mrkg.ttl, values.ttl) by which a statement is recognised as a label's.
EVIDENCE, LABEL_EVIDENCE, SOURCE_DETAIL, KIND = "evidence level", "regulatory label", "source detail", "kind"

EDGES_QUERY = """
SELECT DISTINCT ?entity ?direction ?p ?pLabel ?other ?otherLabel ?sourceId WHERE {
  { GRAPH ?g { ?entity ?p ?other } BIND("out" AS ?direction)
    FILTER(?p != rdf:type && ?p != skos:exactMatch && ?p != rdfs:label && ?p != dcterms:identifier) }
  UNION
  { GRAPH ?g { ?other ?p ?entity } BIND("in" AS ?direction)
    ?other a ?otherType . ?otherType rdfs:subClassOf* mr:Entity . }
  OPTIONAL { ?p rdfs:label ?pLabel }
  OPTIONAL { ?other rdfs:label ?otherLabel }
  OPTIONAL { ?source mr:graph ?g ; dcterms:identifier ?sourceId }
}"""

HEADER_QUERY = """
SELECT DISTINCT ?entity ?label ?type ?typeLabel WHERE {
  ?entity rdfs:label ?label ; a ?type .
  OPTIONAL { ?type rdfs:label ?typeLabel }
}"""

STATEMENTS_QUERY = """
SELECT DISTINCT ?entity ?node ?nodeTypeLabel ?p ?pLabel ?value ?valueLabel WHERE {
  ?node ?role ?entity ; a ?nodeType .
  #SKIP-INTERACTIONS#
  ?nodeType rdfs:label ?nodeTypeLabel .
  FILTER EXISTS { ?nodeType rdfs:subClassOf* mr:Statement }  # apart: Virtuoso 7.2 may drop it in the group
  ?node ?p ?value .
  FILTER(?p != rdf:type && ?p != dcterms:identifier && ?value != ?entity)
  FILTER NOT EXISTS { ?p mr:shortcutOf ?pattern }  # a query's shortcut repeats the deciding statements shown beside it
  OPTIONAL { ?p rdfs:label ?pLabel }
  OPTIONAL { ?value rdfs:label ?valueLabel }
}"""

#: The page without a drug's pair summaries and the interaction statements of sources other than labels (hundreds
#: for a common drug): its pairs come one line each instead, and what a label says stays under the label's section.
#: A filter on the node's type, where the type is bound: ``FILTER NOT EXISTS`` on the type costs four times as much.
STATEMENTS_WITHOUT_INTERACTIONS_QUERY = STATEMENTS_QUERY.replace(
    "#SKIP-INTERACTIONS#", "FILTER(?nodeType != mr:InteractionSummary && (?nodeType != mr:DrugInteraction\n"
    "         || EXISTS { ?node mr:evidenceLevel mr:evidence-regulatory-label }))")
STATEMENTS_QUERY = STATEMENTS_QUERY.replace("#SKIP-INTERACTIONS#\n", "")
INTERACTS_WITH = "https://w3id.org/mrkg/vocab/interactsWith"
#: The labels a later version replaced (kg/data/label_revisions.tsv), by id: a fact resting only on them says so.
REPLACED_QUERY = """
SELECT ?entity ?older ?newer WHERE {
  ?o dcterms:isReplacedBy ?n . ?o dcterms:identifier ?older . ?n dcterms:identifier ?newer .
}"""
#: The group of a compact page that holds one line per interacting pair.
PAIRS_GROUP = "interactions (one line per partner, worst first; every statement: --all)"

CLAIMS_QUERY = """
SELECT DISTINCT ?entity ?claim ?quote ?pLabel ?subjectLabel ?objectLabel ?objectValue ?assessment ?note ?article WHERE {
  ?claim a mr:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; mr:quote ?quote ;
         mr:assessment/rdfs:label ?assessment ; dcterms:source/dcterms:identifier ?article .
  FILTER(?s = ?entity || ?o = ?entity)
  ?s rdfs:label ?subjectLabel .
  OPTIONAL { ?p rdfs:label ?pLabel }
  OPTIONAL { ?o rdfs:label ?objectLabel }
  OPTIONAL { ?claim mr:objectValue ?objectValue }
  OPTIONAL { ?claim mr:assessmentNote ?note }
}
ORDER BY ?claim"""


@dataclass
class Fact:
    """One line of a report and the ids of the sources that state it."""

    text: str
    sources: list[str] = field(default_factory=list)
    #: A qualified statement's values by property label (``{"severity": ["major"], ...}``), for a table; else empty.
    fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class EntityReport:
    """The facts about one entity, grouped by relation name."""

    iri: str
    label: str
    types: list[str]
    groups: dict[str, list[Fact]] = field(default_factory=dict)


def _text(term: Term | None, label: Term | None) -> str:
    if label is not None:
        return label.value
    return shorten(term.value) if term is not None and term.kind == "uri" else (term.value if term else "")


def label_section(props: dict[str, list[str]]) -> tuple[str, str]:
    """``("label: <section>", the rest of the source detail)`` for a statement that rests on a regulatory label and
    names its section, else ``("", "")``.

    A report lists what the labels say under the labels' own section names (``label: 4 CONTRAINDICATIONS``).
    """
    if LABEL_EVIDENCE in props.get(EVIDENCE, []) and len(props.get(SOURCE_DETAIL, [])) == 1:
        section, _, rest = props[SOURCE_DETAIL][0].partition(";")  # the section, before any curator's note
        return f"label: {section.strip()}", rest.strip()
    return "", ""


def describe(store: Store, iri: str, pairs: Callable[[], list[dict[str, str | None]]] | None = None) -> EntityReport:
    """Collect the plain edges (both directions), qualified statements and article claims of ``iri``.

    With ``pairs`` (giving the ``interaction-summary`` rows of ``iri``) the page is compact: one line per interacting
    pair stands for the pair's summary, its ``interacts with`` edges and its statements other than a label's. The
    queries are independent, and a store that answers several at once (Oxigraph) runs them side by side.
    """
    bound = {"entity": Term.iri(iri)}
    compact = pairs is not None
    statements = STATEMENTS_WITHOUT_INTERACTIONS_QUERY if compact else STATEMENTS_QUERY
    jobs: dict[str, Callable[[], Any]] = {name: partial(store.query, query, bound) for name, query in (
        ("statements", statements), ("edges", EDGES_QUERY), ("header", HEADER_QUERY), ("claims", CLAIMS_QUERY),
        ("replaced", REPLACED_QUERY))}
    if pairs is not None:
        jobs["pairs"] = pairs
    answers = together(jobs) if store.concurrent else {name: job() for name, job in jobs.items()}
    header = answers["header"].rows
    label = header[0][1].value if header and header[0][1] else shorten(iri)
    types = sorted({_text(t, tl) for _, _, t, tl in header})
    report = EntityReport(iri, label, types)
    edge_groups, literal_groups = _edges(answers["edges"], skip=INTERACTS_WITH if compact else None)
    report.groups.update(edge_groups)
    if answers.get("pairs"):
        report.groups[PAIRS_GROUP] = [_pair_line(row) for row in answers["pairs"]]
    statement_groups, label_groups = _statements(answers["statements"])
    for kind, facts in statement_groups.items():
        report.groups.setdefault(kind, []).extend(facts)
    report.groups.update(sorted(label_groups.items()))
    report.groups.update(literal_groups)
    _mark_replaced(report, {row[1].value: row[2].value for row in answers["replaced"].rows if row[1] and row[2]})
    for row in answers["claims"].dicts():
        target = row["objectLabel"] or row["objectValue"] or ""
        text = (f"{row['subjectLabel']} {row['pLabel']} {target} — {(row['assessment'] or '').upper()}: "
                f"\"{row['quote']}\"" + (f" ({row['note']})" if row["note"] else ""))
        report.groups.setdefault("article claims", []).append(Fact(text, [row["article"] or ""]))
    return report


def _mark_replaced(report: EntityReport, replaced: dict[str, str]) -> None:
    """Say of each fact whose every source is a label version a later one replaced that it may be out of date."""
    for facts in report.groups.values():
        for fact in facts:
            if fact.sources and all(source in replaced for source in fact.sources):
                later = ", ".join(sorted({replaced[source] for source in fact.sources}))
                fact.text += f" (from an earlier label version, replaced by {later})"


def together(jobs: dict[str, Callable[[], T]]) -> dict[str, T]:
    """Each job's answer, the jobs run in threads of their own (a store that releases the GIL answers them side by
    side); the first job's error, if any, is raised once all have ended."""
    answers: dict[str, T] = {}
    errors: list[BaseException] = []

    def run(name: str, job: Callable[[], T]) -> None:
        try:
            answers[name] = job()
        except BaseException as exc:  # noqa: BLE001 - raised again below, in the caller's thread
            errors.append(exc)
    threads = [threading.Thread(target=run, args=item, daemon=True) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return answers


def _pair_line(row: dict[str, str | None]) -> Fact:
    """One interacting pair of a compact page: the partner, MRKG's severity and its evidence, each source's level."""
    def ordered(cell: str | None) -> str:  # in one order, whatever order the engine concatenated them in
        return "; ".join(sorted((cell or "").split("; ")))
    through = f" [through {ordered(row['through'])}]" if row.get("through") else ""
    levels = ordered(row["levels"])
    return Fact(f"{row['partner']}: {row['severity']} ({row['evidence']}){through}; {levels}",
                fields={name: [row[name] or ""] for name in ("partner", "severity", "evidence", "levels")})


def _edges(answer: Result, skip: str | None = None) -> tuple[dict[str, list[Fact]], dict[str, list[Fact]]]:
    """The entity's plain edges (an EDGES_QUERY answer) grouped by relation, without the property ``skip``: to other
    entities, and to names, codes and other values."""
    merged: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    for _, direction, p, p_label, other, other_label, source in answer.rows:
        assert direction is not None and p is not None and other is not None
        if (direction.value == "in" and p.value in SYMMETRIC) or p.value == skip:
            continue  # a symmetric edge is listed as an outgoing one; a skipped one elsewhere
        relation = PREDICATE_NAMES.get(p.value) or _text(p, p_label)
        group = relation if direction.value == "out" else f"{relation} (inverse)"
        # relations to other entities first, then names, codes and other values
        key = (0 if other.kind == "uri" else 2, group, _text(other, other_label))
        merged[key]  # keep facts that have no source id
        if source:
            merged[key].add(source.value)
    entity_groups: dict[str, list[Fact]] = {}
    literal_groups: dict[str, list[Fact]] = {}
    for (order, group, text), sources in sorted(merged.items()):
        (entity_groups if order == 0 else literal_groups).setdefault(group, []).append(Fact(text, sorted(sources)))
    return entity_groups, literal_groups


def _statements(answer: Result) -> tuple[dict[str, list[Fact]], dict[str, list[Fact]]]:
    """The statements about the entity (a STATEMENTS_QUERY answer) grouped by kind, and those resting on a label
    grouped by the label's section."""
    nodes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, str] = {}
    for _, node, kind, p, p_label, value, value_label in answer.rows:
        assert node is not None and kind is not None and p is not None and value is not None
        kinds[node.value] = kind.value
        if p.value == DCTERMS_SOURCE:
            nodes[node.value][DCTERMS_SOURCE].append(value.value.rsplit("/", 1)[-1])
        else:
            nodes[node.value][_text(p, p_label)].append(_text(value, value_label))
    by_kind: dict[str, list[Fact]] = {}
    by_section: dict[str, list[Fact]] = {}
    for statement, props in sorted(nodes.items()):
        sources = sorted(set(props.pop(DCTERMS_SOURCE, [])))
        section, rest = label_section(props)
        if section:
            props.pop(SOURCE_DETAIL)
            if rest:
                props[SOURCE_DETAIL] = [rest]
            props[KIND] = [kinds[statement]]
        values = {name: sorted(set(found)) for name, found in sorted(props.items())}
        parts = [f"{name}: {', '.join(found)}" for name, found in values.items()]
        (by_section if section else by_kind).setdefault(section or kinds[statement], []).append(
            Fact("; ".join(parts), sources, values))
    return by_kind, by_section


# --- the infobox: the few facts a researcher looks for first -----------------------------------------------

#: The relations an infobox shows, in its order, with its own heading for each.
INFOBOX_RELATIONS = (("https://w3id.org/mrkg/vocab/memberOf", "classes"),
                     ("https://w3id.org/mrkg/vocab/parentClass", "broader classes"),
                     ("https://w3id.org/mrkg/vocab/hasMechanism", "mechanism"),
                     ("https://w3id.org/mrkg/vocab/hasTarget", "targets"),
                     ("https://w3id.org/mrkg/vocab/controlledSubstanceSchedule", "schedule"),
                     ("https://w3id.org/mrkg/vocab/brandName", "brands"))

INFOBOX_QUERY = """
SELECT ?entity ?p ?value ?valueLabel WHERE {
  VALUES ?p { mr:memberOf mr:parentClass mr:hasMechanism mr:hasTarget mr:controlledSubstanceSchedule mr:brandName
              skos:definition }
  ?entity ?p ?value .
  OPTIONAL { ?value rdfs:label ?valueLabel }
}"""

#: Every identifier of the entity, with its property's label and the address format of its database (mr:uriFormat).
IDENTIFIERS_QUERY = """
SELECT ?entity ?p ?label ?value ?format WHERE {
  ?p mr:identifierScheme ?scheme ; rdfs:label ?label .
  ?entity ?p ?value .
  OPTIONAL { ?p mr:uriFormat ?format }
}"""

#: The entity's boxed warnings (warnings.tsv topic boxed-warning): what they say, for which route, after whom.
BOXED_WARNINGS_QUERY = """
SELECT ?entity ?warning ?detail ?route ?sourceId WHERE {
  ?warning a mr:Warning ; mr:drug ?entity ; mr:warningTopic/mr:code "boxed-warning" .
  OPTIONAL { ?warning mr:detail ?detail }
  OPTIONAL { ?warning mr:administrationRoute/rdfs:label ?route }
  OPTIONAL { ?warning dcterms:source/dcterms:identifier ?sourceId }
}"""

#: The labels whose start was read and has no box (label_boxes.tsv): that the drug's label has no boxed warning is
#: a fact of its own, which the absence of a boxed-warning row cannot tell.
NO_BOX_QUERY = """
SELECT ?entity ?reading ?route ?brand ?sourceId WHERE {
  ?reading a mr:BoxReading ; mr:drug ?entity ; mr:hasBoxedWarning false .
  OPTIONAL { ?reading mr:administrationRoute/rdfs:label ?route }
  OPTIONAL { ?reading mr:forBrand ?brand }
  OPTIONAL { ?reading dcterms:source/dcterms:identifier ?sourceId }
}"""

#: The identifier schemes an infobox lists first, the ones researchers follow most; the others come after, by label.
FIRST_SCHEMES = ("ATC code", "DrugBank id", "ChEBI id", "PubChem CID", "RxNorm CUI", "MeSH id", "UMLS CUI", "UNII")


@dataclass
class InfoValue:
    """One value of an infobox row: its text, and where it leads (an MRKG IRI, a database's page, or nowhere)."""

    text: str
    iri: str = ""
    external: str = ""
    sources: list[str] = field(default_factory=list)


@dataclass
class Infobox:
    """The summary at the top of an entity page: its definition, then rows of (heading, values)."""

    definition: str = ""
    rows: list[tuple[str, list[InfoValue]]] = field(default_factory=list)
    identifiers: list[tuple[str, list[InfoValue]]] = field(default_factory=list)


def link_out(uri_format: str, value: str) -> str:
    """The page of ``value`` at its database: ``uri_format`` with ``$1`` replaced by the value, percent-encoded."""
    return uri_format.replace("$1", quote(value, safe=""))


def _no_box(store: Store, bound: dict[str, Term]) -> dict[str, InfoValue]:
    """The entity's labels read and found without a box, each as "none (routes, brand)" with its sources."""
    routes: dict[str, set[str]] = defaultdict(set)
    items: dict[str, InfoValue] = {}
    for _, reading, route, brand, source in store.query(NO_BOX_QUERY, bound).rows:
        assert reading is not None
        item = items.setdefault(reading.value, InfoValue(brand.value if brand else ""))
        if route:
            routes[reading.value].add(route.value)
        if source and source.value not in item.sources:
            item.sources.append(source.value)
    for key, item in items.items():
        said = ", ".join(sorted(routes[key]) + ([item.text] if item.text else []))
        item.text = f"none on the label of {said}" if said else "none on its label"
    return items


def infobox(store: Store, iri: str) -> Infobox:
    """Definition, classes, mechanism, targets, schedule, brands, boxed warnings and identifiers (with link-outs)."""
    bound = {"entity": Term.iri(iri)}
    box = Infobox()
    found: dict[str, dict[str, InfoValue]] = defaultdict(dict)
    for _, p, value, value_label in store.query(INFOBOX_QUERY, bound).rows:
        assert p is not None and value is not None
        if p.value.endswith("#definition"):
            box.definition = box.definition or value.value
            continue
        text = _text(value, value_label)
        found[p.value][text] = InfoValue(text, value.value if value.kind == "uri" else "")
    for predicate, heading in INFOBOX_RELATIONS:
        if found.get(predicate):
            box.rows.append((heading, [found[predicate][t] for t in sorted(found[predicate], key=str.casefold)]))
    warnings: dict[str, InfoValue] = {}
    for _, warning, detail, route, source in store.query(BOXED_WARNINGS_QUERY, bound).rows:
        assert warning is not None
        text = (f"{route.value}: " if route else "") + (detail.value if detail else "boxed warning")
        item = warnings.setdefault(warning.value, InfoValue(text))
        if source and source.value not in item.sources:
            item.sources.append(source.value)
    none = _no_box(store, bound)
    if warnings or none:
        box.rows.append(("boxed warning", [warnings[w] for w in sorted(warnings)] + [none[r] for r in sorted(none)]))
    schemes: dict[str, list[InfoValue]] = defaultdict(list)
    for _, _, label, value, uri_format in store.query(IDENTIFIERS_QUERY, bound).rows:
        assert label is not None and value is not None
        schemes[label.value].append(InfoValue(value.value, external=link_out(uri_format.value, value.value)
                                              if uri_format else ""))
    order = {name: i for i, name in enumerate(FIRST_SCHEMES)}
    for scheme in sorted(schemes, key=lambda name: (order.get(name, len(order)), name.casefold())):
        box.identifiers.append((scheme, sorted(schemes[scheme], key=lambda v: v.text)))
    return box
