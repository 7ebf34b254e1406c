"""The state of one build: the entities and sources seen so far, and the checks every row's cells go through.

The emitters of :mod:`kg.build.rows` ask a :class:`BuildContext` for the IRI a cell names (checked to
exist and to be of the right family), for the controlled value a cell codes, and for a new statement
node; it records where every node came from (file and line) for ``validate``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TypeVar

from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from .. import iris
from ..ontology import Vocabulary
from ..vocab import MR
from . import registry
from .tables import Row, split_list

__all__ = ["Triple", "Entity", "Withheld", "BuildContext"]

Triple = tuple[Node, Node, Node]
T = TypeVar("T")


@dataclass(frozen=True)
class Entity:
    """A defined entity: its IRI, family (its IRI segment: drug, class, ...), class, label and where it was defined."""

    iri: URIRef
    family: str
    cls: Node
    label: str
    where: str


class Withheld(Exception):
    """A row left out of a licence-filtered build: its only sources are excluded, or it needs an entity that is."""


class BuildContext:
    """What the rows of one build share: entities, sources, statement nodes and where each came from.

    ``excluded_sources`` are known (rows may cite them) but their facts are left out of the dataset.
    """

    def __init__(self, ontology: Graph, vocab: Vocabulary) -> None:
        self.ontology = ontology
        self.vocab = vocab
        #: names.kind → the name property it chooses, and the broader name properties it implies (mr:nameKind and
        #: rdfs:subPropertyOf in mrkg.ttl: an abbreviation is also a synonym); the label is a table's own column
        self.name_properties: dict[str, URIRef] = dict(sorted(
            (str(kind), prop) for prop, kind in ontology.subject_objects(MR.nameKind)
            if isinstance(prop, URIRef) and str(kind) != "label"))
        #: drug_targets.relation → its properties, each with the target kind it is for (mr:relationCode,
        #: mr:relationTargetKind: a substrate of an enzyme is metabolised by it, of anything else transported by it)
        self.target_relations: dict[str, list[tuple[URIRef, Node | None]]] = {}
        for prop, code in sorted(ontology.subject_objects(MR.relationCode)):
            kind = ontology.value(prop, MR.relationTargetKind)
            self.target_relations.setdefault(str(code), []).append((URIRef(str(prop)), kind))
        for choices in self.target_relations.values():
            choices.sort(key=lambda choice: choice[1] is None)
        self.dataset = Dataset()
        self.entities: dict[str, Entity] = {}
        self.sources: dict[str, URIRef] = {}
        #: source id → its kind (a subclass of mr:Source, which gives its mr:givesEvidence), also for excluded sources
        self.source_kinds: dict[str, Node] = {}
        #: the evidence level a regulatory label gives
        self.label_evidence = ontology.value(MR.DrugLabel, MR.givesEvidence)
        #: (hierarchical scheme, entity id) → its codes (ATC), kept even when the licence filter withholds them
        self.codes: dict[tuple[str, str], set[str]] = {}
        self.excluded_sources: set[str] = set()
        self.withheld_entities: set[str] = set()
        #: IRI of every entity, source and statement node → ``file:line`` of the row that made it
        self.origins: dict[str, str] = {}
        #: drug id → its brand names (names.tsv kind brand, case-folded), which a statement's brand qualifier must be
        self.brands: dict[str, set[str]] = {}

    # -- references ----------------------------------------------------------------------------

    def check_brand(self, row: Row) -> None:
        """A statement's brand must be one names.tsv gives its drug (kind brand)."""
        brands = self.brands.get(row["drug"], set())
        if row["brand"].casefold() not in brands:
            known = ", ".join(sorted(brands)) or "none"
            raise row.error(f"brand '{row['brand']}' is not a brand of {row['drug']} in names.tsv (its brands: {known}); "
                            "add it there with kind 'brand', or leave the cell empty", "brand")

    def row_sources(self, row: Row, column: str = "source") -> list[str]:
        """The source ids a row cites, each checked against the registry, less those the licence filter excludes.

        Raises Withheld when the row's own ``source`` column keeps no source.
        """
        ids = row.slugs(column)
        for source_id in ids:
            if source_id not in self.sources:
                hint = get_close_matches(source_id, self.sources, n=1)
                raise row.error(f"unknown source '{source_id}' in column '{column}'"
                                + (f"; did you mean '{hint[0]}'?" if hint else "") + " Register it in sources.tsv")
        kept = [source_id for source_id in ids if source_id not in self.excluded_sources]
        if column == "source" and not kept:
            raise Withheld(row.where)
        return kept

    def ref(self, row: Row, column: str, *families: str, value: str | None = None) -> URIRef:
        """The IRI of the entity a cell names, checked to exist and to be of one of ``families`` (all when none)."""
        slug = value if value is not None else row.slug(column)
        entity = self.entities.get(slug)
        wanted = " or ".join(registry.entity_noun(f) for f in families) if families else "defined entity"
        if entity is None:
            hint = get_close_matches(slug, self.entities, n=1)
            raise row.error(f"unknown entity '{slug}' in column '{column}'"
                            + (f"; did you mean '{hint[0]}'?" if hint else ".") + f" It must be a {wanted}")
        if families and entity.family not in families:
            raise row.error(f"'{slug}' in column '{column}' is a {registry.entity_noun(entity.family)}, "
                            f"but the column needs a {wanted}")
        if slug in self.withheld_entities:
            raise Withheld(row.where)
        return entity.iri

    def refs(self, row: Row, column: str, *families: str, required: bool = True) -> list[URIRef]:
        """The IRIs of a list column's entities; an optional list drops entities the licence filter withheld."""
        found = []
        for value in row.slugs(column, required):
            try:
                found.append(self.ref(row, column, *families, value=value))
            except Withheld:
                if required:
                    raise
        return found

    def value(self, row: Row, column: str, value_class: str | None = None, required: bool | None = None) -> Node | None:
        """The controlled-value individual a cell codes (ontology/values.ttl).

        The class and whether the cell is required come from the table's spec unless given.
        """
        spec = registry.spec_of(row)
        value_class = value_class or spec.values[column]
        required = column in spec.required if required is None else required
        code = row[column]
        allowed = self.vocab.values[value_class]
        if not code:
            if required:
                raise row.error(f"column '{column}' is empty; allowed: {', '.join(allowed)}")
            return None
        if code not in allowed:
            raise row.error(f"'{code}' is not allowed in column '{column}'; allowed: {', '.join(allowed)}")
        return allowed[code]

    def values(self, row: Row, column: str) -> list[Node]:
        """The controlled-value individuals of a list column, one for each ``;``-separated code."""
        spec = registry.spec_of(row)
        allowed = self.vocab.values[spec.values[column]]
        found = []
        for code in split_list(row[column]):
            if code not in allowed:
                raise row.error(f"'{code}' is not allowed in column '{column}'; allowed: {', '.join(allowed)}", column)
            found.append(allowed[code])
        if column in spec.required and not found:
            raise row.error(f"column '{column}' is empty; allowed: {', '.join(allowed)}")
        return found

    def code(self, row: Row, column: str, value_class: str | None = None) -> Node:
        """The controlled value of a cell that must hold one (DataError when it is empty)."""
        value = self.value(row, column, value_class, required=True)
        assert value is not None
        return value

    def kind(self, row: Row, family: str) -> Node:
        """The class a ``kind`` cell chooses within a family (e.g. targets: receptor → mr:Receptor)."""
        allowed = self.vocab.kinds[family]
        code = row["kind"]
        if code not in allowed:
            raise row.error(f"'{code}' is not allowed in column 'kind'; allowed: {', '.join(allowed)}")
        return allowed[code]

    def choice(self, row: Row, column: str, allowed: dict[str, T]) -> T:
        """What a cell chooses from a small table the ontology gives (names.kind → property)."""
        code = row[column]
        if code not in allowed:
            raise row.error(f"'{code}' is not allowed in column '{column}'; allowed: {', '.join(allowed)}")
        return allowed[code]

    def date(self, row: Row, column: str) -> Literal | None:
        """A YYYY, YYYY-MM or YYYY-MM-DD cell as a typed date literal (None when empty)."""
        if not row[column]:
            return None
        try:
            value = date_literal(row[column])
        except ValueError as exc:
            raise row.error(f"'{row[column]}' in column '{column}' is not a date ({exc})", column) from None
        if value.datatype is None:
            raise row.error(f"'{row[column]}' in column '{column}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD", column)
        return value

    def flag(self, row: Row, column: str) -> Literal | None:
        """A yes/no cell as a boolean literal (None when empty)."""
        if not row[column]:
            return None
        if row[column] not in ("yes", "no"):
            raise row.error(f"'{row[column]}' is not allowed in column '{column}'; allowed: yes, no, or empty")
        return Literal(row[column] == "yes")

    def scheme_contradicts(self, row: Row, drug: str, drug_class: str) -> bool:
        """Whether a hierarchical code scheme (mr:hierarchicalCode: ATC) files ``drug`` outside ``drug_class``.

        Only a source whose kind has mr:assignsClasses (a label, a classification, the curators) may
        place a drug against the scheme; a database's contrary membership is the database's view.
        """
        if any(self.ontology.value(self.source_kinds[s], MR.assignsClasses) for s in self.row_sources(row)):
            return False
        for scheme in self.vocab.schemes.values():
            class_codes, drug_codes = self.codes.get((scheme.code, drug_class)), self.codes.get((scheme.code, drug))
            if scheme.hierarchical and class_codes and drug_codes:
                if not any(code.startswith(prefix) for code in drug_codes for prefix in class_codes):
                    return True
        return False

    # -- statement nodes and provenance ----------------------------------------------------------

    def new_node(self, row: Row) -> URIRef:
        """Mint the IRI of the row's statement node from its table's key; a second row with the same key is a duplicate."""
        spec = registry.spec_of(row)
        key = statement_key(spec, row)
        node = URIRef(iris.node_iri(spec.node, key))
        if str(node) in self.origins:
            raise row.error(f"duplicate {spec.node} '{key}': already defined at {self.origins[str(node)]}; "
                            "merge the rows or change the id")
        self.origins[str(node)] = row.where
        return node

    def sourced(self, row: Row, node: Node) -> list[Triple]:
        """The provenance triples of a statement node: its sources and the source detail."""
        triples: list[Triple] = [(node, DCTERMS.source, self.sources[s]) for s in self.row_sources(row)]
        if row["source_detail"]:
            triples.append((node, MR.sourceDetail, Literal(row["source_detail"])))
        return triples

    def edge(self, row: Row, s: Node, p: Node, o: Node, detail: str = "", source_text: str = "") -> list[Triple]:
        """A plain edge; with a source detail, a detail or a source text, also an mr:Evidence record of it."""
        triples: list[Triple] = [(s, p, o)]
        if row["source_detail"] or detail or source_text:
            sources = ";".join(sorted(row.slugs("source")))
            node = URIRef(iris.node_iri("evidence", hashlib.sha1(f"{s} {p} {o} {sources}".encode()).hexdigest()[:16]))
            self.origins.setdefault(str(node), row.where)
            triples += [(node, RDF.type, MR.Evidence), (node, RDF.subject, s), (node, RDF.predicate, p), (node, RDF.object, o)]
            triples += self.sourced(row, node)
            if detail:
                triples.append((node, MR.detail, Literal(detail)))
            if source_text:
                triples.append((node, MR.sourceText, Literal(source_text)))
        return triples

    def emit(self, row: Row, triples: Iterable[Triple]) -> None:
        """Put a row's triples into the named graph of every source the row cites."""
        triples = list(triples)
        for source_id in self.row_sources(row):
            graph = self.dataset.graph(URIRef(iris.graph_iri(source_id)))
            for triple in triples:
                graph.add(triple)

    def evidence_level(self, row: Row) -> Node | None:
        """The strongest evidence level among the kinds of the row's sources (mr:givesEvidence, mr:evidenceRank)."""
        given = (self.ontology.value(self.source_kinds[s], MR.givesEvidence) for s in self.row_sources(row))
        levels = [level for level in given if level is not None]
        return min(levels, key=lambda level: int(str(self.ontology.value(level, MR.evidenceRank))), default=None)


def date_literal(text: str) -> Literal:
    """A typed date literal for YYYY, YYYY-MM or YYYY-MM-DD; other text stays a plain string. ValueError for a month
    or day that does not exist (``2024-13``, ``2024-02-30``), which would make an ill-typed literal."""
    datatype = iris.date_datatype(text)
    return Literal(text, datatype=URIRef(datatype)) if datatype else Literal(text)


def statement_key(spec: registry.TableSpec, row: Row) -> str:
    """The key of a row's statement node: its key cells joined by ``--``.

    A list cell's ids are sorted (order-free), empty optional cells are left out and a free-text
    cell (a population) is turned into a slug.
    """
    parts = []
    for column in spec.key:
        if column in spec.lists:
            parts += sorted(row.slugs(column))
        elif column in spec.required and column not in spec.values:
            parts.append(row.slug(column))
        elif row[column]:
            parts.append(slugify(row[column]))
    return "--".join(parts)


def slugify(text: str) -> str:
    """A free-text cell or a unit as an IRI-safe slug: ``Adults 18 years and older`` → ``adults-18-years-and-older``,
    ``mL/min`` → ``ml-per-min``."""
    text = text.replace("%", " percent ").replace("/", " per ")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or hashlib.sha1(text.encode()).hexdigest()[:12]
