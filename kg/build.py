"""Build: the curated tables of ``kg/data/`` plus the ontology → an RDF dataset.

Every row's facts go into the named graph of each source the row cites; the source registry and
the ontology have graphs of their own. Any unknown reference, unknown source, duplicate id, bad
controlled value or malformed file stops the build with a DataError naming the file, line and entry.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, FOAF, SKOS

from . import iris
from .files import atomic_path
from .ontology import Vocabulary, load_ontology, load_vocabulary
from .paths import DATA_DIR, ONTOLOGY_DIR
from .summaries import add_summaries
from .tables import ENTITY_TABLES, TABLES, Row, read_tables
from .vocab import MR

__all__ = ["TABLES", "ENTITY_TABLES", "build_dataset", "write_nquads", "build_to_file", "build_open"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: What a family is called in messages, and the table that defines it.
FAMILY_NAMES = {"drug": "drug (drugs.tsv)", "class": "drug class (drug_classes.tsv)", "target": "target (targets.tsv)",
                "mechanism": "mechanism (mechanisms.tsv)", "condition": "condition (conditions.tsv)",
                "effect": "adverse effect (adverse_effects.tsv)", "therapy": "therapy (therapies.tsv)"}

#: drug_targets.relation → property (``substrate`` depends on the target's kind).
TARGET_RELATIONS = {"target": MR.hasTarget, "inhibitor": MR.inhibits, "inducer": MR.induces}
#: indications.status → the plain edge drawn beside the indication node (none for not-indicated).
STATUS_EDGES = {"approved": MR.indicatedFor, "off-label": MR.usedOffLabelFor, "investigational": MR.investigatedFor}
#: names.kind → property.
NAME_PROPERTIES = {"synonym": SKOS.altLabel, "brand": MR.brandName, "abbreviation": MR.abbreviation}
COMMERCIAL_USE = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Entity:
    """A defined entity: its IRI, family (drug, class, ...), class and where it was defined."""

    iri: URIRef
    family: str
    cls: URIRef
    label: str
    where: str


class Withheld(Exception):
    """A row left out of a licence-filtered build: its only sources are excluded, or it needs an entity that is."""


class Builder:
    """Turns the tables of one data directory into a Dataset; use :func:`build_dataset`.

    ``exclude`` names ``commercial_use`` values (``no``, ``unknown``) whose sources are left out: a row
    keeps only its other sources, and is withheld when none remain or when it needs a withheld entity.
    """

    def __init__(self, data_dir: Path, ontology_dir: Path, exclude: frozenset[str] = frozenset()) -> None:
        self.data_dir = data_dir
        self.ontology = load_ontology(ontology_dir)
        self.vocab: Vocabulary = load_vocabulary(self.ontology)
        self.dataset = Dataset()
        self.entities: dict[str, Entity] = {}
        self.sources: dict[str, URIRef] = {}
        #: source id → the evidence level its kind gives (mr:givesEvidence)
        self.source_evidence: dict[str, URIRef] = {}
        self.nodes: dict[URIRef, str] = {}
        self.exclude = exclude
        self.excluded_sources: set[str] = set()
        self.withheld_entities: set[str] = set()
        #: table → number of rows left out by the licence filter
        self.withheld: dict[str, int] = {}

    # -- driver ------------------------------------------------------------------------------

    def build(self) -> Dataset:
        """Read every table in dependency order and return the dataset."""
        rows = read_tables(self.data_dir)
        ontology_graph = self.dataset.graph(URIRef(iris.ONTOLOGY_GRAPH))
        for triple in to_canonical_graph(self.ontology):  # stable blank-node labels: reproducible output
            ontology_graph.add(triple)
        for row in rows["sources.tsv"]:
            self.add_source(row)
        for name in ENTITY_TABLES:
            for row in rows[name]:
                self.define_entity(name, row)
        for name in ENTITY_TABLES:
            for row in rows[name]:
                self.emit_row(name, row, lambda row, name=name: self.entity_facts(name, row))
        for name, emitter in self.relation_emitters().items():
            for row in rows[name]:
                self.emit_row(name, row, emitter)
        self.check_class_cycles(rows["drug_classes.tsv"])
        add_summaries(self.dataset, self.ontology)  # derived from the statements just emitted
        return self.dataset

    def emit_row(self, table: str, row: Row, emitter) -> None:
        """Emit one row's triples, counting it as withheld when the licence filter leaves it out."""
        try:
            self.emit(row, emitter(row))
        except Withheld:
            self.withheld[table] = self.withheld.get(table, 0) + 1
            if table in ENTITY_TABLES:
                self.withheld_entities.add(row["id"])

    def relation_emitters(self):
        """Relation tables in build order, each with the method that turns a row into triples."""
        return {
            "identifiers.tsv": self.identifier, "names.tsv": self.name, "class_membership.tsv": self.membership,
            "drug_mechanisms.tsv": self.drug_mechanism, "drug_targets.tsv": self.drug_target,
            "indications.tsv": self.indication, "drug_adverse_effects.tsv": self.adverse_effect,
            "interactions.tsv": self.interaction, "metabolites.tsv": self.metabolite, "elimination.tsv": self.elimination, "warnings.tsv": self.warning,
            "products.tsv": self.product, "therapy_uses.tsv": self.therapy_use, "claims.tsv": self.claim,
        }

    # -- references ----------------------------------------------------------------------------

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
        """The IRI of the entity a cell names, checked to exist and to be of one of ``families``."""
        slug = value if value is not None else row.slug(column)
        entity = self.entities.get(slug)
        wanted = " or ".join(FAMILY_NAMES[f] for f in families)
        if entity is None:
            hint = get_close_matches(slug, self.entities, n=1)
            raise row.error(f"unknown entity '{slug}' in column '{column}'"
                            + (f"; did you mean '{hint[0]}'?" if hint else ".") + f" It must be a {wanted}")
        if entity.family not in families:
            raise row.error(f"'{slug}' in column '{column}' is a {FAMILY_NAMES[entity.family]}, but the column needs a {wanted}")
        if slug in self.withheld_entities:
            raise Withheld(row.where)
        return entity.iri

    def refs(self, row: Row, column: str, *families: str, required: bool = True) -> list[URIRef]:
        """The IRIs of a list column's entities; an optional list drops entities the licence filter withheld."""
        iris_ = []
        for value in row.slugs(column, required):
            try:
                iris_.append(self.ref(row, column, *families, value=value))
            except Withheld:
                if required:
                    raise
        return iris_

    def value(self, row: Row, column: str, value_class: str, required: bool = True) -> URIRef | None:
        """The controlled-value individual a cell names (see ontology/values.ttl)."""
        code = row[column]
        if not code:
            if required:
                raise row.error(f"column '{column}' is empty; allowed: {', '.join(self.vocab.values[value_class])}")
            return None
        allowed = self.vocab.values[value_class]
        if code not in allowed:
            raise row.error(f"'{code}' is not allowed in column '{column}'; allowed: {', '.join(allowed)}")
        return allowed[code]

    def kind(self, row: Row, family: str) -> URIRef:
        """The class a ``kind`` cell chooses within a family (e.g. targets: receptor → mr:Receptor)."""
        allowed = self.vocab.kinds[family]
        code = row["kind"]
        if code not in allowed:
            raise row.error(f"'{code}' is not allowed in column 'kind'; allowed: {', '.join(allowed)}")
        return allowed[code]

    def new_node(self, row: Row, kind: str, key: str) -> URIRef:
        """Mint the IRI of a statement node; a second row with the same key is a duplicate."""
        node = URIRef(iris.node_iri(kind, key))
        if node in self.nodes:
            raise row.error(f"duplicate {kind} '{key}': already defined at {self.nodes[node]}; merge the rows or change the id")
        self.nodes[node] = row.where
        return node

    # -- emitting ------------------------------------------------------------------------------

    def emit(self, row: Row, triples: Iterable[Triple]) -> None:
        """Put a row's triples into the named graph of every source the row cites."""
        triples = list(triples)
        for source_id in self.row_sources(row):
            graph = self.dataset.graph(URIRef(iris.graph_iri(source_id)))
            for triple in triples:
                graph.add(triple)

    def sourced(self, row: Row, node: URIRef) -> list[Triple]:
        """The provenance triples of a statement node: its sources and the source detail."""
        triples: list[Triple] = [(node, DCTERMS.source, self.sources[s]) for s in self.row_sources(row)]
        if row["source_detail"]:
            triples.append((node, MR.sourceDetail, Literal(row["source_detail"])))
        return triples

    def edge(self, row: Row, s: URIRef, p: URIRef, o: URIRef | Literal, detail: str = "") -> list[Triple]:
        """A plain edge; with a source detail or a detail, also an mr:Evidence record of it."""
        triples: list[Triple] = [(s, p, o)]
        if row["source_detail"] or detail:
            key = hashlib.sha1(f"{s} {p} {o} {row['source']}".encode()).hexdigest()[:16]
            node = URIRef(iris.node_iri("evidence", key))
            triples += [(node, RDF.type, MR.Evidence), (node, RDF.subject, s), (node, RDF.predicate, p), (node, RDF.object, o)]
            triples += self.sourced(row, node)
            if detail:
                triples.append((node, MR.detail, Literal(detail)))
        return triples

    # -- sources and entities -------------------------------------------------------------------

    def add_source(self, row: Row) -> None:
        """Register a source and describe it in the sources graph."""
        source_id = row.slug("id")
        if source_id in self.sources:
            raise row.error(f"duplicate source id '{source_id}'")
        if row["commercial_use"] not in COMMERCIAL_USE:
            raise row.error(f"'{row['commercial_use']}' is not allowed in column 'commercial_use'; allowed: {', '.join(COMMERCIAL_USE)}")
        node = self.sources[source_id] = URIRef(iris.source_iri(source_id))
        if row["commercial_use"] in self.exclude:
            self.excluded_sources.add(source_id)  # known, so rows citing it are valid, but not described
            return
        graph = self.dataset.graph(URIRef(iris.SOURCES_GRAPH))
        kind = self.kind(row, "Source")
        graph.add((node, RDF.type, kind))
        if (evidence := self.ontology.value(kind, MR.givesEvidence)) is not None:
            self.source_evidence[source_id] = evidence
        graph.add((node, DCTERMS.identifier, Literal(source_id)))
        graph.add((node, DCTERMS.title, Literal(row["title"])))
        graph.add((node, RDFS.label, Literal(row["title"])))
        graph.add((node, DCTERMS.rights, Literal(row["licence"])))
        graph.add((node, MR.commercialUse, Literal(row["commercial_use"])))
        graph.add((node, MR.graph, URIRef(iris.graph_iri(source_id))))
        if row["publisher"]:
            graph.add((node, DCTERMS.publisher, Literal(row["publisher"])))
        if row["date"]:
            graph.add((node, DCTERMS.date, date_literal(row["date"])))
        if row["url"]:
            if not re.match(r"^https?://\S+$", row["url"]):
                raise row.error(f"url '{row['url']}' is not an http(s) address")
            graph.add((node, FOAF.page, URIRef(row["url"])))
        if row["note"]:
            graph.add((node, RDFS.comment, Literal(row["note"])))

    def define_entity(self, table: str, row: Row) -> None:
        """Record an entity's id (unique across all entity tables) before any relation refers to it."""
        segment, family = ENTITY_TABLES[table]
        slug = row.slug("id")
        if slug in self.entities:
            raise row.error(f"duplicate id '{slug}': already defined at {self.entities[slug].where}; ids are unique across all entity files")
        cls = self.kind(row, family) if "kind" in row.cells else MR[family]
        try:
            self.row_sources(row)
        except Withheld:
            self.withheld_entities.add(slug)
        self.entities[slug] = Entity(URIRef(iris.entity_iri(segment, slug)), segment, cls, row["label"], row.where)

    def entity_facts(self, table: str, row: Row) -> list[Triple]:
        """Type, label, description and the table's own links (class parents, mechanism targets)."""
        entity = self.entities[row["id"]]
        node = entity.iri
        triples: list[Triple] = [(node, RDF.type, entity.cls), (node, RDFS.label, Literal(row["label"])),
                                 (node, DCTERMS.identifier, Literal(row["id"]))]
        if row["description"]:
            triples.append((node, SKOS.definition, Literal(row["description"])))
        if table == "drug_classes.tsv":
            for parent in self.refs(row, "parents", "class", required=False):
                if parent == node:
                    raise row.error("a class cannot be its own parent")
                triples.append((node, MR.parentClass, parent))
        if table == "mechanisms.tsv":
            triples += [(node, MR.actsOn, t) for t in self.refs(row, "targets", "target", required=False)]
            if action := self.value(row, "action", "PharmacologicalAction", required=False):
                triples.append((node, MR.pharmacologicalAction, action))
        return triples

    # -- relation tables -----------------------------------------------------------------------

    def identifier(self, row: Row) -> list[Triple]:
        node = self.ref(row, "entity", *FAMILY_NAMES)
        scheme = self.vocab.schemes.get(row["scheme"])
        if scheme is None:
            raise row.error(f"unknown identifier scheme '{row['scheme']}'; allowed: {', '.join(sorted(self.vocab.schemes))}")
        value = row["value"]
        if not scheme.pattern.match(value):
            raise row.error(f"'{value}' is not a valid {scheme.code} identifier (expected pattern {scheme.pattern.pattern});"
                            " write the bare code without a prefix such as 'CHEBI:'")
        return self.edge(row, node, scheme.prop, Literal(value)) + [
            (node, SKOS.exactMatch, URIRef(f"https://bioregistry.io/{scheme.prefix}:{value}"))]

    def name(self, row: Row) -> list[Triple]:
        node = self.ref(row, "entity", *FAMILY_NAMES)
        if row["kind"] not in NAME_PROPERTIES:
            raise row.error(f"'{row['kind']}' is not allowed in column 'kind'; allowed: {', '.join(NAME_PROPERTIES)}")
        if row["lang"] and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", row["lang"]):
            raise row.error(f"'{row['lang']}' in column 'lang' is not a language tag such as 'fr' or 'en'; leave it empty for none")
        name = Literal(row["name"], lang=row["lang"] or None)
        triples = self.edge(row, node, NAME_PROPERTIES[row["kind"]], name)
        if row["kind"] == "abbreviation":
            triples.append((node, SKOS.altLabel, name))
        return triples

    def membership(self, row: Row) -> list[Triple]:
        return self.edge(row, self.ref(row, "drug", "drug"), MR.memberOf, self.ref(row, "class", "class"))

    def drug_mechanism(self, row: Row) -> list[Triple]:
        return self.edge(row, self.ref(row, "drug", "drug"), MR.hasMechanism, self.ref(row, "mechanism", "mechanism"))

    def drug_target(self, row: Row) -> list[Triple]:
        drug, target = self.ref(row, "drug", "drug"), self.ref(row, "target", "target")
        relation = row["relation"]
        if relation == "substrate":
            prop = MR.metabolisedBy if self.entities[row["target"]].cls == MR.Enzyme else MR.transportedBy
        elif relation in TARGET_RELATIONS:
            prop = TARGET_RELATIONS[relation]
        else:
            raise row.error(f"'{relation}' is not allowed in column 'relation'; allowed: substrate, {', '.join(TARGET_RELATIONS)}")
        triples = self.edge(row, drug, prop, target)
        action = self.value(row, "action", "PharmacologicalAction", required=False)
        if action is not None:
            if relation != "target":
                raise row.error("column 'action' is only for relation 'target'; leave it empty")
            node = self.new_node(row, "target-action", f"{row['drug']}--{row['target']}--{row['source'].replace(';', '--')}")
            triples += [(node, RDF.type, MR.TargetAction), (node, MR.drug, drug), (node, MR.target, target),
                        (node, MR.pharmacologicalAction, action)] + self.sourced(row, node)
        return triples

    def indication(self, row: Row) -> list[Triple]:
        drug, condition = self.ref(row, "drug", "drug"), self.ref(row, "condition", "condition")
        status = self.value(row, "status", "ApprovalStatus")
        node = self.new_node(row, "indication", f"{row['drug']}--{row['condition']}--{row['status']}--{row['source'].replace(';', '--')}")
        triples: list[Triple] = [(node, RDF.type, MR.Indication), (node, MR.drug, drug), (node, MR.condition, condition),
                                 (node, MR.approvalStatus, status)]
        if role := self.value(row, "role", "TherapeuticRole", required=False):
            triples.append((node, MR.therapeuticRole, role))
        if evidence := self.value(row, "evidence", "EvidenceLevel", required=False):
            triples.append((node, MR.evidenceLevel, evidence))
        if row["status"] in STATUS_EDGES:
            triples.append((drug, STATUS_EDGES[row["status"]], condition))
        return triples + self.sourced(row, node)

    def adverse_effect(self, row: Row) -> list[Triple]:
        drug, effect = self.ref(row, "drug", "drug"), self.ref(row, "effect", "effect")
        node = self.new_node(row, "adverse-effect", f"{row['drug']}--{row['effect']}--{row['source'].replace(';', '--')}")
        triples: list[Triple] = [(drug, MR.hasAdverseEffect, effect), (node, RDF.type, MR.AdverseEffectAssociation),
                                 (node, MR.drug, drug), (node, MR.adverseEffect, effect)]
        if frequency := self.value(row, "frequency", "Frequency", required=False):
            triples.append((node, MR.frequency, frequency))
        if row["serious"]:
            if row["serious"] not in ("yes", "no"):
                raise row.error(f"'{row['serious']}' is not allowed in column 'serious'; allowed: yes, no, or empty")
            triples.append((node, MR.serious, Literal(row["serious"] == "yes")))
        return triples + self.sourced(row, node)

    def interaction(self, row: Row) -> list[Triple]:
        node = self.new_node(row, "interaction", row.slug("id"))
        participants = self.refs(row, "participants", "drug", "class")
        if len(set(participants)) < 2:
            raise row.error("an interaction needs at least two different participants")
        triples: list[Triple] = [(node, RDF.type, MR.DrugInteraction), (node, DCTERMS.identifier, Literal(row["id"]))]
        triples += [(node, MR.participant, p) for p in participants]
        for column, prop in (("affected", MR.affectedDrug), ("precipitant", MR.precipitantDrug)):
            if row[column]:
                participant = self.ref(row, column, "drug", "class")
                if participant not in participants:
                    raise row.error(f"'{row[column]}' in column '{column}' must also be listed in 'participants'")
                triples.append((node, prop, participant))
        level = self.value(row, "level", "StatedSeverity")
        triples += [(node, MR.statedLevel, level), (node, MR.severity, self.ontology.value(level, MR.harmonisedAs)),
                    (node, MR.severityAsStated, Literal(self.stated_words(level)))]
        if evidence := self.evidence_level(row):
            triples.append((node, MR.evidenceLevel, evidence))
        if mechanism := self.value(row, "mechanism_type", "MechanismType", required=False):
            triples.append((node, MR.mechanismType, mechanism))
        triples += [(node, MR.viaTarget, t) for t in self.refs(row, "via", "target", required=False)]
        triples += [(node, MR.sharedEffect, e) for e in self.refs(row, "effects", "effect", required=False)]
        for column, prop in (("effect_size", MR.effectSize), ("clinical_effect", MR.clinicalEffect),
                             ("management", MR.management), ("source_text", MR.sourceText)):
            if row[column]:
                triples.append((node, prop, Literal(row[column])))
        triples += [(a, MR.interactsWith, b) for a in participants for b in participants if a != b]
        return triples + self.sourced(row, node)

    def evidence_level(self, row: Row) -> URIRef | None:
        """The strongest evidence level among the kinds of the row's sources (mr:givesEvidence, mr:evidenceRank)."""
        levels = [self.source_evidence[s] for s in self.row_sources(row) if s in self.source_evidence]
        return min(levels, key=lambda level: int(self.ontology.value(level, MR.evidenceRank)), default=None)

    def metabolite(self, row: Row) -> list[Triple]:
        drug, metabolite = self.ref(row, "drug", "drug"), self.ref(row, "metabolite", "drug")
        if drug == metabolite:
            raise row.error("a drug cannot be its own metabolite")
        node = self.new_node(row, "metabolism", f"{row['drug']}--{row['metabolite']}--{row['source'].replace(';', '--')}")
        triples: list[Triple] = [(drug, MR.hasMetabolite, metabolite), (node, RDF.type, MR.Metabolism),
                                 (node, MR.drug, drug), (node, MR.metabolite, metabolite)]
        triples += [(node, MR.viaTarget, t) for t in self.refs(row, "via", "target", required=False)]
        if row["active"]:
            if row["active"] not in ("yes", "no"):
                raise row.error(f"'{row['active']}' is not allowed in column 'active'; allowed: yes, no, or empty")
            triples.append((node, MR.active, Literal(row["active"] == "yes")))
        return triples + self.sourced(row, node)

    def elimination(self, row: Row) -> list[Triple]:
        route = self.value(row, "route", "EliminationRoute")
        return self.edge(row, self.ref(row, "drug", "drug"), MR.eliminationRoute, route, detail=row["detail"])

    def warning(self, row: Row) -> list[Triple]:
        drug = self.ref(row, "drug", "drug")
        topic = self.value(row, "topic", "WarningTopic")
        node = self.new_node(row, "warning", row.slug("id"))
        triples: list[Triple] = [(node, RDF.type, MR.Warning), (node, MR.drug, drug), (node, MR.warningTopic, topic),
                                 (drug, MR.hasWarningAbout, topic)]
        if recommendation := self.value(row, "recommendation", "Recommendation", required=False):
            triples.append((node, MR.recommendation, recommendation))
        if row["detail"]:
            triples.append((node, MR.detail, Literal(row["detail"])))
        return triples + self.sourced(row, node)

    def product(self, row: Row) -> list[Triple]:
        drug = self.ref(row, "drug", "drug")
        node = self.new_node(row, "product", row.slug("id"))
        form = self.value(row, "form", "DosageForm")
        route = self.value(row, "route", "AdministrationRoute")
        triples: list[Triple] = [(node, RDF.type, MR.Product), (node, MR.activeIngredient, drug), (node, MR.dosageForm, form),
                                 (node, MR.administrationRoute, route), (drug, MR.availableAs, form)]
        label = [row["brand"] or self.entities[row["drug"]].label, self.label_of_value(form)]
        if row["brand"]:
            triples += [(node, MR.brandName, Literal(row["brand"])), (drug, MR.brandName, Literal(row["brand"]))]
        if row["strength_value"] or row["strength_unit"]:
            if not (row["strength_value"] and row["strength_unit"]):
                raise row.error("give both strength_value and strength_unit, or neither")
            try:
                amount = Decimal(row["strength_value"])
            except InvalidOperation:
                raise row.error(f"strength_value '{row['strength_value']}' is not a number") from None
            strength = f"{amount.normalize():f} {row['strength_unit']}"
            triples += [(node, MR.strengthValue, Literal(amount)), (node, MR.strengthUnit, Literal(row["strength_unit"])),
                        (drug, MR.availableInStrength, Literal(strength))]
            label.append(strength)
        triples.append((node, RDFS.label, Literal(" ".join(label))))
        return triples + self.sourced(row, node)

    def therapy_use(self, row: Row) -> list[Triple]:
        return self.edge(row, self.ref(row, "therapy", "therapy"), MR.therapyFor, self.ref(row, "condition", "condition"))

    def claim(self, row: Row) -> list[Triple]:
        node = self.new_node(row, "claim", row.slug("id"))
        subject = self.ref(row, "subject", *FAMILY_NAMES)
        prop = self.vocab.claim_predicates.get(row["predicate"])
        if prop is None:
            raise row.error(f"unknown predicate '{row['predicate']}'; allowed: {', '.join(sorted(self.vocab.claim_predicates))}")
        triples: list[Triple] = [(node, RDF.type, MR.Claim), (node, DCTERMS.identifier, Literal(row["id"])),
                                 (node, RDF.subject, subject), (node, RDF.predicate, prop),
                                 (node, MR.quote, Literal(row["quote"])),
                                 (node, MR.assessment, self.value(row, "assessment", "Assessment"))]
        triples.append((node, RDF.object, self.claim_object(row, prop)))
        if row["object_value"]:
            triples.append((node, MR.objectValue, Literal(row["object_value"])))
        if row["assessment_note"]:
            triples.append((node, MR.assessmentNote, Literal(row["assessment_note"])))
        triples += [(node, MR.assessedAgainst, self.sources[s]) for s in self.row_sources(row, "assessed_against")
                    ] if row["assessed_against"] else []
        return triples + [(node, DCTERMS.source, self.sources[s]) for s in self.row_sources(row)]

    def claim_object(self, row: Row, prop: URIRef) -> URIRef | Literal:
        """A claim's object: an entity (``object``), a controlled value or a literal (``object_value``)."""
        takes = self.vocab.claim_objects[row["predicate"]]
        if takes == "entity":
            if not row["object"]:
                raise row.error(f"predicate '{row['predicate']}' needs an entity id in 'object'")
            return self.ref(row, "object", *FAMILY_NAMES)
        if row["object"]:
            raise row.error(f"predicate '{row['predicate']}' takes a value in 'object_value', not an entity in 'object'")
        if takes == "literal":
            if not row["object_value"]:
                raise row.error(f"predicate '{row['predicate']}' needs a value in 'object_value'")
            return Literal(row["object_value"])
        return self.value(row, "object_value", takes)

    # -- whole-graph checks and helpers --------------------------------------------------------

    def check_class_cycles(self, rows: list[Row]) -> None:
        """Stop on a cycle in the class hierarchy, naming the classes in it."""
        parents = {row["id"]: row.slugs("parents", required=False) for row in rows}
        where = {row["id"]: row for row in rows}

        def visit(slug: str, path: list[str]) -> None:
            if slug in path:
                cycle = path[path.index(slug):] + [slug]
                raise where[slug].error(f"class hierarchy has a cycle: {' → '.join(cycle)}")
            for parent in parents.get(slug, []):
                visit(parent, path + [slug])

        for slug in parents:
            visit(slug, [])

    def stated_words(self, level: URIRef) -> str:
        """A source level in the source's own words: its label in the source's language, and its notation ("à prendre en compte (PC)")."""
        labels = sorted(self.ontology.objects(level, RDFS.label), key=lambda label: (label.language == "en", str(label)))
        words = str(labels[0]) if labels else str(level)
        notation = self.ontology.value(level, SKOS.notation)
        return f"{words} ({notation})" if notation is not None and str(notation).lower() != words.lower() else words

    def label_of_value(self, value: URIRef) -> str:
        return str(self.ontology.value(value, RDFS.label, default=Literal(str(value))))


def date_literal(text: str) -> Literal:
    """A typed date literal for YYYY, YYYY-MM or YYYY-MM-DD; other text stays a plain string."""
    for pattern, datatype in ((r"\d{4}-\d{2}-\d{2}", XSD.date), (r"\d{4}-\d{2}", XSD.gYearMonth), (r"\d{4}", XSD.gYear)):
        if re.fullmatch(pattern, text):
            return Literal(text, datatype=datatype)
    return Literal(text)


def build_dataset(data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR,
                  exclude: frozenset[str] = frozenset()) -> Dataset:
    """Build the dataset from curated tables and the ontology; raise DataError on bad input.

    ``exclude``: leave out the facts whose only sources have these ``commercial_use`` values.
    """
    return Builder(data_dir, ontology_dir, exclude).build()


def write_nquads(dataset: Dataset, path: Path) -> int:
    """Write ``dataset`` as sorted N-Quads through a temporary file and a rename; return the named-graph quad count.

    The file also carries the merge of all named graphs in its default graph, so a SPARQL store
    that loads it (Oxigraph, Fuseki, GraphDB, ...) sees each fact once without ``GRAPH``, as MRKG's
    own engines do, and MRKG opens it without computing the merge again.
    """
    quads = sorted({line for line in dataset.serialize(format="nquads").splitlines() if line.strip()})
    # every graph name is an IRI and the last term of its line, so dropping it leaves the triple
    merge = sorted({line.rsplit(" <", 1)[0] + " ." for line in quads})
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(sorted(quads + merge)) + "\n", encoding="utf-8")
    return len(quads)


def build_to_file(path: Path, data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR,
                  exclude: frozenset[str] = frozenset()) -> int:
    """Build and write the dataset to ``path`` atomically; the old file stays if the build fails."""
    return write_nquads(build_dataset(data_dir, ontology_dir, exclude), path)


def build_open(path: Path, strict: bool = False, data_dir: Path = DATA_DIR) -> tuple[int, dict[str, int]]:
    """Build only what may be redistributed commercially (``strict``: also drop sources of unknown licence).

    Returns the quad count written and the number of rows withheld per table.
    """
    builder = Builder(data_dir, ONTOLOGY_DIR, frozenset({"no", "unknown"} if strict else {"no"}))
    count = write_nquads(builder.build(), path)
    return count, builder.withheld
