"""The table registry: one :class:`TableSpec` per data file of ``kg/data/``, in build order.

A spec says what one row is, its columns (which are required, which hold lists, which hold
controlled values of ``ontology/values.ttl``), the key of the node a row mints and the function
(:mod:`kg.build.rows`) that turns a row into triples. Adding a kind of fact is one spec here, one
data file, its terms in the ontology and a query. The data README's table of files is generated
from this registry (``python -m kg.build.registry``) and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import IMPORTED_DIR
from . import rows as r
from .tables import Row, read_table

if TYPE_CHECKING:
    from .context import BuildContext

__all__ = ["TableSpec", "REGISTRY", "TABLES", "ENTITY_TABLES", "spec_of", "entity_noun", "read_tables", "files_table"]

#: How a row becomes triples: ``emit(context, row)``.
Emitter = Callable[["BuildContext", Row], list[Any]]


@dataclass(frozen=True)
class TableSpec:
    """One data file: what a row is, its columns, the node a row mints and how the row becomes triples."""

    file: str
    row_is: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    #: how a row becomes triples (sources.tsv: None, the builder registers sources itself)
    emit: Emitter | None = None
    #: list columns (``;``-separated)
    lists: tuple[str, ...] = ("source",)
    #: column → controlled-value class of ontology/values.ttl
    values: Mapping[str, str] = field(default_factory=dict)
    #: IRI segment of the node each row mints: an entity family (``drug``) or a statement kind (``indication``)
    node: str = ""
    #: the cells a statement node's IRI is made of (list cells sorted, so their order does not matter)
    key: tuple[str, ...] = ()
    #: entity tables: the ontology root class of their entities, and what one is called in messages
    family: str = ""
    noun: str = ""
    #: column → a few words for the data README's table of files
    notes: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_entity_table(self) -> bool:
        return bool(self.family)

    def read(self, path: Path) -> list[Row]:
        """The rows of ``path``, a file with this table's schema (DataError on a wrong header or an empty required cell)."""
        return read_table(path, list(self.columns), self.required)

    def column_list(self) -> str:
        """The columns as the data README lists them."""
        out = []
        for column in self.columns:
            note = self.notes.get(column, "*list*" if column in self.lists and column != "source" else "")
            out.append(f"{column} ({note})" if note else column)
        return ", ".join(out)


_DESCRIBED = ("description", "source", "source_detail")
_POPULATION = {"population": "the source's words, e.g. `adults`, or empty"}
_BRAND = {"brand": "a brand in names.tsv, for a fact of that product only, or empty"}
_KINDED = ("id", "label", "kind", "source")

#: Every data file, in build order: sources, then entity tables, then relation and statement tables.
REGISTRY: tuple[TableSpec, ...] = (
    TableSpec("sources.tsv", "a source",
              ("id", "kind", "title", "publisher", "date", "url", "licence", "commercial_use", "note"),
              ("id", "kind", "title", "licence", "commercial_use"), lists=(), node="source"),
    TableSpec("drugs.tsv", "a drug or other substance", ("id", "label", "kind", *_DESCRIBED), _KINDED,
              r.entity, node="drug", family="Substance", noun="drug"),
    TableSpec("drug_classes.tsv", "a drug class", ("id", "label", "parents", *_DESCRIBED), ("id", "label", "source"),
              r.drug_class, lists=("parents", "source"), node="class", family="DrugClass", noun="drug class",
              notes={"parents": "*list* of class ids"}),
    TableSpec("targets.tsv", "a molecular target, enzyme or transporter", ("id", "label", "kind", *_DESCRIBED), _KINDED,
              r.entity, node="target", family="Target", noun="target"),
    TableSpec("mechanisms.tsv", "a mechanism of action", ("id", "label", "targets", "action", *_DESCRIBED),
              ("id", "label", "source"), r.mechanism, lists=("targets", "source"),
              values={"action": "PharmacologicalAction"}, node="mechanism", family="Mechanism", noun="mechanism"),
    TableSpec("conditions.tsv", "a condition (disease, symptom, injury, state)", ("id", "label", "kind", *_DESCRIBED),
              _KINDED, r.entity, node="condition", family="Condition", noun="condition"),
    TableSpec("adverse_effects.tsv", "an adverse effect", ("id", "label", *_DESCRIBED), ("id", "label", "source"),
              r.entity, node="effect", family="AdverseEffect", noun="adverse effect"),
    TableSpec("therapies.tsv", "a non-drug therapy", ("id", "label", "kind", *_DESCRIBED), _KINDED,
              r.entity, node="therapy", family="Therapy", noun="therapy"),
    TableSpec("identifiers.tsv", "a cross-reference of any entity", ("entity", "scheme", "value", "source", "source_detail"),
              ("entity", "scheme", "value", "source"), r.identifier),
    TableSpec("names.tsv", "a synonym, brand or abbreviation of any entity",
              ("entity", "name", "kind", "lang", "source", "source_detail"), ("entity", "name", "kind", "source"), r.name,
              notes={"lang": "a language tag such as `fr`, or empty"}),
    TableSpec("class_membership.tsv", "drug ∈ class", ("drug", "class", "source", "source_detail"),
              ("drug", "class", "source"), r.membership),
    TableSpec("drug_mechanisms.tsv", "drug has mechanism", ("drug", "mechanism", "source", "source_detail"),
              ("drug", "mechanism", "source"), r.drug_mechanism),
    TableSpec("drug_targets.tsv", "drug acts on / is handled by a protein",
              ("drug", "target", "relation", "action", "source", "source_detail"), ("drug", "target", "relation", "source"),
              r.drug_target, values={"action": "PharmacologicalAction"}, node="target-action",
              key=("drug", "target", "source")),
    TableSpec("indications.tsv", "a use of a drug for a condition, as one source states it",
              ("drug", "condition", "status", "role", "evidence", "population", "route", "form", "brand", "source_text",
               "source", "source_detail"),
              ("drug", "condition", "status", "source"), r.indication,
              values={"status": "ApprovalStatus", "role": "TherapeuticRole", "evidence": "EvidenceLevel",
                      "route": "AdministrationRoute", "form": "DosageForm"},
              lists=("role", "source"),
              node="indication", key=("drug", "condition", "status", "source", "route", "form", "population", "brand"),
              notes={**_POPULATION, **_BRAND}),
    TableSpec("contraindications.tsv", "a drug–condition or drug–situation contraindication",
              ("id", "drug", "condition", "strength", "route", "population", "brand", "source_text", "source",
               "source_detail"),
              ("id", "drug", "condition", "strength", "source"), r.contraindication,
              values={"strength": "ContraindicationStrength", "route": "AdministrationRoute"},
              node="contraindication", key=("id",), notes={"strength": "absolute or relative", **_POPULATION, **_BRAND}),
    TableSpec("drug_adverse_effects.tsv", "drug causes an adverse effect",
              ("drug", "effect", "frequency", "serious", "source", "source_detail"), ("drug", "effect", "source"),
              r.adverse_effect, values={"frequency": "Frequency"}, node="adverse-effect", key=("drug", "effect", "source")),
    TableSpec("interactions.tsv", "an interaction (as one source states it)",
              ("id", "participants", "affected", "precipitant", "level", "mechanism_type", "via", "effects",
               "effect_size", "clinical_effect", "management", "source_text", "source", "source_detail"),
              ("id", "participants", "level", "source"), r.interaction, lists=("participants", "via", "effects", "source"),
              values={"level": "StatedSeverity", "mechanism_type": "MechanismType"}, node="interaction", key=("id",)),
    TableSpec("metabolites.tsv", "drug is turned into a metabolite",
              ("drug", "metabolite", "via", "active", "source", "source_detail"), ("drug", "metabolite", "source"),
              r.metabolite, lists=("via", "source"), node="metabolism", key=("drug", "metabolite", "source"),
              notes={"metabolite": "a drug id", "via": "*list* of enzyme ids", "active": "yes, no or empty"}),
    TableSpec("elimination.tsv", "a route by which a drug leaves the body",
              ("drug", "route", "detail", "source", "source_detail"),
              ("drug", "route", "source"), r.elimination, values={"route": "EliminationRoute"}),
    TableSpec("warnings.tsv", "a safety warning or special population note",
              ("id", "drug", "topic", "recommendation", "route", "detail", "brand", "source_text", "source",
               "source_detail"),
              ("id", "drug", "topic", "source"), r.warning,
              values={"topic": "WarningTopic", "recommendation": "Recommendation", "route": "AdministrationRoute"},
              node="warning", key=("id",), notes=_BRAND),
    TableSpec("schedules.tsv", "a drug's controlled-substance schedule",
              ("drug", "schedule", "source_text", "source", "source_detail"), ("drug", "schedule", "source"),
              r.schedule, values={"schedule": "ControlledSubstanceSchedule"}),
    TableSpec("pharmacokinetics.tsv", "a pharmacokinetic value (number or range, with its unit)",
              ("drug", "parameter", "value", "value_max", "unit", "population", "route", "form", "brand", "source_text",
               "source", "source_detail"), ("drug", "parameter", "value", "unit", "source"), r.pharmacokinetic_value,
              values={"parameter": "PharmacokineticParameter", "unit": "Unit", "route": "AdministrationRoute",
                      "form": "DosageForm"},
              node="pk", key=("drug", "parameter", "unit", "source", "route", "form", "population", "brand"),
              notes={"value_max": "upper end of a range, or empty", **_POPULATION, **_BRAND}),
    TableSpec("dose_limits.tsv", "a maximum dose or duration, or a starting dose, a label sets",
              ("drug", "limit", "value", "unit", "route", "population", "form", "brand", "source_text", "source",
               "source_detail"),
              ("drug", "limit", "value", "unit", "source"), r.dose_limit,
              values={"limit": "DoseLimitKind", "unit": "Unit", "route": "AdministrationRoute", "form": "DosageForm"},
              node="dose-limit", key=("drug", "limit", "unit", "source", "route", "form", "population", "brand"),
              notes={**_POPULATION, **_BRAND}),
    TableSpec("regulatory_actions.tsv", "an action on a drug's marketing: withdrawal, suspension, discontinuation",
              ("id", "drug", "action", "jurisdiction", "date", "source_text", "source", "source_detail"),
              ("id", "drug", "action", "jurisdiction", "source"), r.regulatory_action,
              values={"action": "RegulatoryActionKind"}, node="regulatory-action", key=("id",),
              notes={"jurisdiction": "the source's words, e.g. `European Union`", "date": "YYYY, YYYY-MM or YYYY-MM-DD"}),
    TableSpec("label_revisions.tsv", "a later version of a label that replaces an earlier one the graph also cites",
              ("older", "newer", "source_text", "source", "source_detail"), ("older", "newer", "source"),
              r.label_revision, notes={"older": "a label in sources.tsv", "newer": "a label in sources.tsv",
                                       "source_text": "what the later version says changed, in its words"}),
    TableSpec("label_boxes.tsv", "the start of a label, read for a boxed warning: whether the label has one",
              ("drug", "boxed", "route", "brand", "source_text", "source", "source_detail"),
              ("drug", "boxed", "source_text", "source"), r.box_reading, lists=("source", "route"),
              values={"route": "AdministrationRoute"}, node="box-reading", key=("drug", "source", "route", "brand"),
              notes={"boxed": "yes or no", "route": "*list*: the routes of the label's products, or empty for all",
                     **_BRAND, "source_text": "the label's opening words: the box's title, or the words before the "
                     "first section that show none stands there", "source": "a label in sources.tsv"}),
    TableSpec("products.tsv", "a marketed form and strength",
              ("id", "drug", "brand", "form", "route", "strength_value", "strength_unit", "source", "source_detail"),
              ("id", "drug", "form", "route", "source"), r.product,
              values={"form": "DosageForm", "route": "AdministrationRoute"}, node="product", key=("id",)),
    TableSpec("therapy_uses.tsv", "a non-drug therapy mentioned for a condition",
              ("therapy", "condition", "source", "source_detail"),
              ("therapy", "condition", "source"), r.therapy_use),
    TableSpec("claims.tsv", "one statement of an article, with its quote",
              ("id", "source", "quote", "subject", "predicate", "object", "object_value", "assessment",
               "assessment_note", "assessed_against"), ("id", "source", "quote", "subject", "predicate", "assessment"),
              r.claim, lists=("source", "assessed_against"), values={"assessment": "Assessment"}, node="claim", key=("id",)),
)
#: file name → spec
TABLES: dict[str, TableSpec] = {spec.file: spec for spec in REGISTRY}
#: the entity tables, whose ids any other table may name
ENTITY_TABLES: dict[str, TableSpec] = {spec.file: spec for spec in REGISTRY if spec.is_entity_table}
_FAMILIES = {spec.node: spec for spec in ENTITY_TABLES.values()}


def spec_of(row: Row) -> TableSpec:
    """The spec of the table a row was read from."""
    return TABLES[row.table]


def entity_noun(family: str) -> str:
    """What an entity of ``family`` (its IRI segment) is called in messages: ``drug class (drug_classes.tsv)``."""
    spec = _FAMILIES[family]
    return f"{spec.noun} ({spec.file})"


def read_tables(data_dir: Path) -> dict[str, list[Row]]:
    """Every table of ``data_dir``: the curated file, then the imported file of the same name when there is one."""
    tables = {}
    for spec in REGISTRY:
        rows = spec.read(data_dir / spec.file)
        imported = data_dir / IMPORTED_DIR / spec.file
        if imported.is_file():
            rows += spec.read(imported)
        tables[spec.file] = rows
    return tables


def files_table() -> str:
    """The data README's table of files (Markdown), from the registry."""
    lines = ["| file | one row is | columns |", "|---|---|---|"]
    lines += [f"| `{spec.file}` | {spec.row_is} | {spec.column_list()} |" for spec in REGISTRY]
    return "\n".join(lines)


if __name__ == "__main__":
    print(files_table())
