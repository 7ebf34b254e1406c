"""How the rows of each table become triples: one function per table, ``emit(context, row) -> triples``.

The registry (:mod:`kg.build.registry`) names the function of each table; a :class:`BuildContext`
checks each cell (ids, controlled values, sources) and mints statement nodes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from ..vocab import MR
from .tables import Row

if TYPE_CHECKING:
    from .context import BuildContext, Triple

#: A language tag (BCP 47, simplified).
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")


# -- entity tables -------------------------------------------------------------------------------


def entity(ctx: BuildContext, row: Row) -> list[Triple]:
    """Type, label, identifier and description of an entity."""
    defined = ctx.entities[row["id"]]
    node = defined.iri
    triples: list[Triple] = [(node, RDF.type, defined.cls), (node, RDFS.label, Literal(row["label"])),
                             (node, DCTERMS.identifier, Literal(row["id"]))]
    if row["description"]:
        triples.append((node, SKOS.definition, Literal(row["description"])))
    return triples


def drug_class(ctx: BuildContext, row: Row) -> list[Triple]:
    """An entity, and its parent classes."""
    node = ctx.entities[row["id"]].iri
    triples = entity(ctx, row)
    for parent in ctx.refs(row, "parents", "class", required=False):
        if parent == node:
            raise row.error("a class cannot be its own parent")
        triples.append((node, MR.parentClass, parent))
    return triples


def mechanism(ctx: BuildContext, row: Row) -> list[Triple]:
    """An entity, the targets it acts on and its pharmacological action."""
    node = ctx.entities[row["id"]].iri
    triples = entity(ctx, row) + [(node, MR.actsOn, t) for t in ctx.refs(row, "targets", "target", required=False)]
    if action := ctx.value(row, "action"):
        triples.append((node, MR.pharmacologicalAction, action))
    return triples


# -- relation tables -------------------------------------------------------------------------------


def identifier(ctx: BuildContext, row: Row) -> list[Triple]:
    node = ctx.ref(row, "entity")
    scheme = ctx.vocab.schemes.get(row["scheme"])
    if scheme is None:
        raise row.error(f"unknown identifier scheme '{row['scheme']}'; allowed: {', '.join(sorted(ctx.vocab.schemes))}")
    value = row["value"]
    if not scheme.pattern.match(value):
        raise row.error(f"'{value}' is not a valid {scheme.code} identifier (expected pattern {scheme.pattern.pattern});"
                        " write the bare code without a prefix such as 'CHEBI:'")
    if scheme.hierarchical:  # known to the membership check even when the licence filter withholds the code
        ctx.codes.setdefault((scheme.code, row["entity"]), set()).add(value)
    return ctx.edge(row, node, scheme.prop, Literal(value)) + [
        (node, SKOS.exactMatch, URIRef(f"https://bioregistry.io/{scheme.prefix}:{value}"))]


def name(ctx: BuildContext, row: Row) -> list[Triple]:
    node = ctx.ref(row, "entity")
    prop = ctx.choice(row, "kind", ctx.name_properties)
    if prop == MR.brandName:  # known even when the licence filter withholds the row, for the brand qualifier's check
        ctx.brands.setdefault(row["entity"], set()).add(row["name"].casefold())
    if row["lang"] and not LANGUAGE_TAG.fullmatch(row["lang"]):
        raise row.error(f"'{row['lang']}' in column 'lang' is not a language tag such as 'fr' or 'en'; leave it empty for none")
    label = Literal(row["name"], lang=row["lang"] or None)
    triples = ctx.edge(row, node, prop, label)
    triples += [(node, broader, label) for broader in ctx.ontology.objects(prop, RDFS.subPropertyOf)
                if broader in ctx.name_properties.values()]
    return triples


def membership(ctx: BuildContext, row: Row) -> list[Triple]:
    """drug mr:memberOf class; a membership that the class's own code scheme (ATC) contradicts is mr:listedInClass."""
    drug, drug_class = ctx.ref(row, "drug", "drug"), ctx.ref(row, "class", "class")
    prop = MR.listedInClass if ctx.scheme_contradicts(row, row["drug"], row["class"]) else MR.memberOf
    return ctx.edge(row, drug, prop, drug_class)


def drug_mechanism(ctx: BuildContext, row: Row) -> list[Triple]:
    return ctx.edge(row, ctx.ref(row, "drug", "drug"), MR.hasMechanism, ctx.ref(row, "mechanism", "mechanism"))


def drug_target(ctx: BuildContext, row: Row) -> list[Triple]:
    drug, target = ctx.ref(row, "drug", "drug"), ctx.ref(row, "target", "target")
    kind = ctx.entities[row["target"]].cls
    choices = ctx.choice(row, "relation", ctx.target_relations)
    prop = next(p for p, for_kind in choices if for_kind in (kind, None))
    triples = ctx.edge(row, drug, prop, target)
    if (action := ctx.value(row, "action")) is not None:
        if row["relation"] != "target":
            raise row.error("column 'action' is only for relation 'target'; leave it empty")
        node = ctx.new_node(row)
        triples += [(node, RDF.type, MR.TargetAction), (node, MR.drug, drug), (node, MR.target, target),
                    (node, MR.pharmacologicalAction, action)] + ctx.sourced(row, node)
    return triples


def indication(ctx: BuildContext, row: Row) -> list[Triple]:
    """An indication as its source states it, and the plain edge its status draws (values.ttl mr:plainEdge).

    "approved" draws mr:indicatedFor only when a regulatory label states it; from a database it
    draws mr:candidateIndicationFor (mr:plainEdgeWithoutLabel).
    """
    drug, condition = ctx.ref(row, "drug", "drug"), ctx.ref(row, "condition", "condition")
    node = ctx.new_node(row)
    status = ctx.code(row, "status")
    triples: list[Triple] = [(node, RDF.type, MR.Indication), (node, MR.drug, drug), (node, MR.condition, condition),
                             (node, MR.approvalStatus, status)]
    triples += [(node, MR.therapeuticRole, role) for role in ctx.values(row, "role")]
    given = ctx.evidence_level(row)
    on_label = given == ctx.label_evidence
    evidence = ctx.value(row, "evidence") or given
    if evidence == ctx.label_evidence and not on_label:
        raise row.error("evidence 'regulatory-label' needs a source of kind drug-label or regulatory-decision in "
                        "sources.tsv; a database that reads labels (LabeledIn, DrugCentral) gives evidence 'database'")
    if evidence is not None:
        triples.append((node, MR.evidenceLevel, evidence))
    edge = ctx.ontology.value(status, MR.plainEdge)
    if not on_label:
        edge = ctx.ontology.value(status, MR.plainEdgeWithoutLabel, default=edge)
    if edge is not None:
        triples.append((drug, edge, condition))
    return triples + qualifiers(ctx, row, node) + ctx.sourced(row, node)


def contraindication(ctx: BuildContext, row: Row) -> list[Triple]:
    """A drug–condition contraindication, absolute or relative, possibly for one route or population."""
    drug, condition = ctx.ref(row, "drug", "drug"), ctx.ref(row, "condition", "condition")
    node = ctx.new_node(row)
    triples: list[Triple] = [(node, RDF.type, MR.Contraindication), (node, DCTERMS.identifier, Literal(row["id"])),
                             (node, MR.drug, drug), (node, MR.condition, condition),
                             (node, MR.contraindicationStrength, ctx.code(row, "strength")),
                             (drug, MR.contraindicatedIn, condition)]
    return triples + stated(ctx, row, node)


#: Optional qualifier columns of statement tables → property (route and form are controlled values).
QUALIFIERS = {"route": MR.administrationRoute, "form": MR.dosageForm, "population": MR.population,
              "brand": MR.forBrand, "source_text": MR.sourceText}


def stated(ctx: BuildContext, row: Row, node: Node) -> list[Triple]:
    """What every label-layer statement carries: the evidence its sources give, its qualifiers and its sources."""
    evidence = ctx.evidence_level(row)
    return ([(node, MR.evidenceLevel, evidence)] if evidence else []) + qualifiers(ctx, row, node) + ctx.sourced(row, node)


def qualifiers(ctx: BuildContext, row: Row, node: Node) -> list[Triple]:
    """The route, form, population, brand and source text a statement row gives (the columns its table has)."""
    from .registry import spec_of  # the registry names this module's functions

    triples: list[Triple] = []
    for column, prop in QUALIFIERS.items():
        if column not in row.cells or not row[column]:
            continue
        if column == "brand":
            ctx.check_brand(row)
        values: list[Node | None] = [Literal(row[column])]
        if column in ("route", "form"):
            values = list(ctx.values(row, column)) if column in spec_of(row).lists else [ctx.value(row, column)]
        triples += [(node, prop, value) for value in values if value is not None]
    return triples


def adverse_effect(ctx: BuildContext, row: Row) -> list[Triple]:
    drug, effect = ctx.ref(row, "drug", "drug"), ctx.ref(row, "effect", "effect")
    node = ctx.new_node(row)
    triples: list[Triple] = [(drug, MR.hasAdverseEffect, effect), (node, RDF.type, MR.AdverseEffectAssociation),
                             (node, MR.drug, drug), (node, MR.adverseEffect, effect)]
    if frequency := ctx.value(row, "frequency"):
        triples.append((node, MR.frequency, frequency))
    if (serious := ctx.flag(row, "serious")) is not None:
        triples.append((node, MR.serious, serious))
    return triples + ctx.sourced(row, node)


def interaction(ctx: BuildContext, row: Row) -> list[Triple]:
    node = ctx.new_node(row)
    participants = ctx.refs(row, "participants", "drug", "class")
    if len(set(participants)) < 2:
        raise row.error("an interaction needs at least two different participants")
    triples: list[Triple] = [(node, RDF.type, MR.DrugInteraction),
                             (node, DCTERMS.identifier, Literal(row["id"]))]
    triples += [(node, MR.participant, p) for p in participants]
    for column, prop in (("affected", MR.affectedDrug), ("precipitant", MR.precipitantDrug)):
        if row[column]:
            participant = ctx.ref(row, column, "drug", "class")
            if participant not in participants:
                raise row.error(f"'{row[column]}' in column '{column}' must also be listed in 'participants'")
            triples.append((node, prop, participant))
    level = ctx.code(row, "level")
    severity = ctx.ontology.value(level, MR.harmonisedAs)
    if severity is None:
        raise row.error(f"level '{row['level']}' has no mr:harmonisedAs in ontology/severity-scales.ttl; map it there")
    triples += [(node, MR.statedLevel, level), (node, MR.severity, severity),
                (node, MR.severityAsStated, Literal(stated_words(ctx, level)))]
    if evidence := ctx.evidence_level(row):
        triples.append((node, MR.evidenceLevel, evidence))
    if mechanism_type := ctx.value(row, "mechanism_type"):
        triples.append((node, MR.mechanismType, mechanism_type))
    triples += [(node, MR.viaTarget, t) for t in ctx.refs(row, "via", "target", required=False)]
    triples += [(node, MR.sharedEffect, e) for e in ctx.refs(row, "effects", "effect", required=False)]
    for column, prop in (("effect_size", MR.effectSize), ("clinical_effect", MR.clinicalEffect),
                         ("management", MR.management), ("source_text", MR.sourceText)):
        if row[column]:
            triples.append((node, prop, Literal(row[column])))
    triples += [(a, MR.interactsWith, b) for a in participants for b in participants if a != b]
    return triples + ctx.sourced(row, node)


def stated_words(ctx: BuildContext, level: Node) -> str:
    """A source level in the source's own words: its label in the source's language, and its notation.

    ANSM's PC level reads "à prendre en compte (PC)".
    """
    labels = sorted(ctx.ontology.objects(level, RDFS.label),
                    key=lambda label: (getattr(label, "language", None) == "en", str(label)))
    words = str(labels[0]) if labels else str(level)
    notation = ctx.ontology.value(level, SKOS.notation)
    return f"{words} ({notation})" if notation is not None and str(notation).lower() != words.lower() else words


def metabolite(ctx: BuildContext, row: Row) -> list[Triple]:
    drug, product = ctx.ref(row, "drug", "drug"), ctx.ref(row, "metabolite", "drug")
    if drug == product:
        raise row.error("a drug cannot be its own metabolite")
    node = ctx.new_node(row)
    triples: list[Triple] = [(drug, MR.hasMetabolite, product), (node, RDF.type, MR.Metabolism),
                             (node, MR.drug, drug), (node, MR.metabolite, product)]
    triples += [(node, MR.viaTarget, t) for t in ctx.refs(row, "via", "target", required=False)]
    if (active := ctx.flag(row, "active")) is not None:
        triples.append((node, MR.active, active))
    return triples + ctx.sourced(row, node)


def elimination(ctx: BuildContext, row: Row) -> list[Triple]:
    route = ctx.code(row, "route")
    return ctx.edge(row, ctx.ref(row, "drug", "drug"), MR.eliminationRoute, route, detail=row["detail"])


def warning(ctx: BuildContext, row: Row) -> list[Triple]:
    drug = ctx.ref(row, "drug", "drug")
    topic = ctx.code(row, "topic")
    node = ctx.new_node(row)
    triples: list[Triple] = [(node, RDF.type, MR.Warning), (node, MR.drug, drug), (node, MR.warningTopic, topic),
                             (drug, MR.hasWarningAbout, topic)]
    if recommendation := ctx.value(row, "recommendation"):
        triples.append((node, MR.recommendation, recommendation))
    if row["detail"]:
        triples.append((node, MR.detail, Literal(row["detail"])))
    return triples + stated(ctx, row, node)


def regulatory_action(ctx: BuildContext, row: Row) -> list[Triple]:
    """A withdrawal, suspension or discontinuation of a drug's marketing in one jurisdiction, with its date."""
    drug, kind = ctx.ref(row, "drug", "drug"), ctx.code(row, "action")
    node = ctx.new_node(row)
    triples: list[Triple] = [(node, RDF.type, MR.RegulatoryAction), (node, DCTERMS.identifier, Literal(row["id"])),
                             (node, MR.drug, drug), (node, MR.regulatoryActionKind, kind),
                             (node, MR.jurisdiction, Literal(row["jurisdiction"])), (drug, MR.hasRegulatoryAction, kind)]
    if (when := ctx.date(row, "date")) is not None:
        triples.append((node, MR.actionDate, when))
    return triples + stated(ctx, row, node)


def label_revision(ctx: BuildContext, row: Row) -> list[Triple]:
    """An earlier version of a label (``older``) replaced by a later one (``newer``): dcterms:isReplacedBy, so queries can
    say that a statement rests only on a version that a later one replaced."""
    older, newer = (_label_source(ctx, row, column) for column in ("older", "newer"))
    if older == newer:
        raise row.error(f"'{row['older']}' cannot replace itself: name the later version in newer", "newer")
    return ctx.edge(row, older, DCTERMS.isReplacedBy, newer, source_text=row["source_text"])


def box_reading(ctx: BuildContext, row: Row) -> list[Triple]:
    """The start of a label, read for a boxed warning: yes (its title quoted) or no (no box before the first section)."""
    for slug in ctx.row_sources(row):
        _label_source(ctx, row, "source", slug)
    drug, boxed = ctx.ref(row, "drug", "drug"), ctx.flag(row, "boxed")
    assert boxed is not None  # a required column: reading the table rejects an empty cell
    node = ctx.new_node(row)
    triples: list[Triple] = [(node, RDF.type, MR.BoxReading), (node, MR.drug, drug), (node, MR.hasBoxedWarning, boxed)]
    return triples + stated(ctx, row, node)


def _label_source(ctx: BuildContext, row: Row, column: str, slug: str | None = None) -> Node:
    slug = row[column] if slug is None else slug
    if slug not in ctx.sources:
        raise row.error(f"'{slug}' is not a source in sources.tsv: register the label there first", column)
    if ctx.ontology.value(ctx.source_kinds[slug], MR.givesEvidence) != ctx.label_evidence:
        raise row.error(f"'{slug}' is not a label: its kind in sources.tsv gives no regulatory-label evidence "
                        "(drug-label or regulatory-decision)", column)
    return ctx.sources[slug]


def schedule(ctx: BuildContext, row: Row) -> list[Triple]:
    return ctx.edge(row, ctx.ref(row, "drug", "drug"), MR.controlledSubstanceSchedule, ctx.code(row, "schedule"),
                    source_text=row["source_text"])


def pharmacokinetic_value(ctx: BuildContext, row: Row) -> list[Triple]:
    return quantity(ctx, row, MR.PharmacokineticValue, "parameter", MR.pharmacokineticParameter)


def dose_limit(ctx: BuildContext, row: Row) -> list[Triple]:
    return quantity(ctx, row, MR.DoseLimit, "limit", MR.doseLimitKind)


def quantity(ctx: BuildContext, row: Row, cls: Node, column: str, prop: Node) -> list[Triple]:
    """A typed value of a drug: what it measures (``column``), a number or range and a unit, with its qualifiers."""
    drug = ctx.ref(row, "drug", "drug")
    node = ctx.new_node(row)
    value = number(row, "value")
    triples: list[Triple] = [(node, RDF.type, cls), (node, MR.drug, drug), (node, prop, ctx.code(row, column)),
                             (node, MR.quantityValue, Literal(value)), (node, MR.unit, ctx.code(row, "unit"))]
    if row.cells.get("value_max"):
        maximum = number(row, "value_max")
        if maximum < value:
            raise row.error(f"value_max {row['value_max']} is below value {row['value']}; give the range low to high")
        triples.append((node, MR.quantityMax, Literal(maximum)))
    return triples + stated(ctx, row, node)


#: A number as the tables write it: digits, maybe a decimal point and more digits (no sign, exponent or unit), short
#: enough to be exact in a double. ``Decimal`` alone would take ``NaN``, ``1_000``, Arabic-Indic digits and ``1e999999``
#: (a million digits in the built file).
NUMBER = re.compile(r"[0-9]{1,15}(\.[0-9]{1,15})?")


def number(row: Row, column: str) -> Decimal:
    """A cell that holds a number of at least 0 (digits with a decimal point, no unit)."""
    if not NUMBER.fullmatch(row[column]):
        raise row.error(f"{column} '{row[column]}' is not a number as the tables write it: it must be a finite number of "
                        "at least 0 in digits with a decimal point, e.g. 2.5 (no sign, exponent or unit: put the unit in "
                        "its own column)", column)
    return Decimal(f"{Decimal(row[column]).normalize():f}")  # one lexical form per value (9.0 → 9), as SPARQL stores keep it


def product(ctx: BuildContext, row: Row) -> list[Triple]:
    drug = ctx.ref(row, "drug", "drug")
    node = ctx.new_node(row)
    form, route = ctx.code(row, "form"), ctx.code(row, "route")
    triples: list[Triple] = [(node, RDF.type, MR.Product), (node, MR.activeIngredient, drug), (node, MR.dosageForm, form),
                             (node, MR.administrationRoute, route), (drug, MR.availableAs, form)]
    label = [row["brand"] or ctx.entities[row["drug"]].label,
             str(ctx.ontology.value(form, RDFS.label, default=Literal(str(form))))]
    if row["brand"]:
        triples += [(node, MR.brandName, Literal(row["brand"])), (drug, MR.brandName, Literal(row["brand"]))]
    if row["strength_value"] or row["strength_unit"]:
        strength, amount = _strength(row)
        triples += [(node, MR.strengthValue, Literal(amount)), (node, MR.strengthUnit, Literal(row["strength_unit"])),
                    (drug, MR.availableInStrength, Literal(strength))]
        label.append(strength)
    triples.append((node, RDFS.label, Literal(" ".join(label))))
    return triples + ctx.sourced(row, node)


def _strength(row: Row) -> tuple[str, Decimal]:
    """A product's strength as people write it (``10 mg``) and its amount."""
    if not (row["strength_value"] and row["strength_unit"]):
        raise row.error("give both strength_value and strength_unit, or neither")
    amount = number(row, "strength_value")
    return f"{amount.normalize():f} {row['strength_unit']}", amount


def therapy_use(ctx: BuildContext, row: Row) -> list[Triple]:
    return ctx.edge(row, ctx.ref(row, "therapy", "therapy"), MR.therapyFor, ctx.ref(row, "condition", "condition"))


def claim(ctx: BuildContext, row: Row) -> list[Triple]:
    node = ctx.new_node(row)
    subject = ctx.ref(row, "subject")
    prop = ctx.vocab.claim_predicates.get(row["predicate"])
    if prop is None:
        raise row.error(f"unknown predicate '{row['predicate']}'; allowed: {', '.join(sorted(ctx.vocab.claim_predicates))}")
    triples: list[Triple] = [(node, RDF.type, MR.Claim), (node, DCTERMS.identifier, Literal(row["id"])),
                             (node, RDF.subject, subject), (node, RDF.predicate, prop),
                             (node, MR.quote, Literal(row["quote"])),
                             (node, MR.assessment, ctx.code(row, "assessment")),
                             (node, RDF.object, claim_object(ctx, row, prop))]
    if row["object_value"]:
        triples.append((node, MR.objectValue, Literal(row["object_value"])))
    if row["assessment_note"]:
        triples.append((node, MR.assessmentNote, Literal(row["assessment_note"])))
    if row["assessed_against"]:
        triples += [(node, MR.assessedAgainst, ctx.sources[s]) for s in ctx.row_sources(row, "assessed_against")]
    return triples + [(node, DCTERMS.source, ctx.sources[s]) for s in ctx.row_sources(row)]


def claim_object(ctx: BuildContext, row: Row, prop: Node) -> Node:
    """A claim's object: an entity (``object``), a controlled value or a literal (``object_value``)."""
    takes = ctx.vocab.claim_objects[row["predicate"]]
    if takes == "entity":
        if not row["object"]:
            raise row.error(f"predicate '{row['predicate']}' needs an entity id in 'object'")
        return ctx.ref(row, "object")
    if row["object"]:
        raise row.error(f"predicate '{row['predicate']}' takes a value in 'object_value', not an entity in 'object'")
    if takes == "literal":
        if not row["object_value"]:
            raise row.error(f"predicate '{row['predicate']}' needs a value in 'object_value'")
        return Literal(row["object_value"])
    return ctx.code(row, "object_value", takes)
