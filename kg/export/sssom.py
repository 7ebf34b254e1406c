"""SSSOM TSV of the cross-references: each MRKG entity mapped to its identifiers in other schemes.

One row per (entity, identifier) the graph states (``skos:exactMatch`` to a bioregistry.io IRI, kg/data/identifiers.tsv
and the importers), with its YAML metadata block above the table (``#`` lines, as the SSSOM TSV format has it):

- ``subject_id`` is the entity's MRKG id (``MRKG.DRUG:baclofen``, as in the KGX export), ``object_id`` the identifier as
  a Bioregistry CURIE (``drugbank:DB00181``), both expanded by the ``curie_map``;
- ``predicate_id`` is ``skos:exactMatch``, or the scheme's ``mr:mappingPredicate`` (a protein target and its gene's
  ids: ``skos:relatedMatch``);
- ``mapping_justification`` is ``semapv:ManualMappingCuration`` where a source's table gave the identifier (the graph
  keeps the table and row, here in ``comment``), and ``semapv:LexicalMatching`` for the identifiers the reference
  importer found by name (kg/importers/reference.py: a DrugBank id from the reference row or DrugBank's open
  vocabulary, an ATC code whose WHO name equals the drug's label), which carry no detail.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx

from ..iris import BASE, GRAPH_BASE, PREFIXES, SOURCES_GRAPH
from .kgx import mrkg_curie, mrkg_prefixes
from .statements import BIOREGISTRY

__all__ = ["SSSOM_COLUMNS", "sssom_rows", "write_sssom"]

SSSOM_COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification", "comment"]
MANUAL = "semapv:ManualMappingCuration"
LEXICAL = "semapv:LexicalMatching"
#: The importer's rule, for the identifiers that no source table gave.
IMPORTER_RULE = ("found by name by kg/importers/reference.py (a DrugBank id the reference row gives, else the drug's name "
                 "in DrugBank's open vocabulary; an ATC code whose WHO name equals the label)")


def sssom_rows(graph: nx.MultiDiGraph) -> list[list[str]]:
    """The mapping rows of the property graph ``graph`` (its ``xref_records``), sorted by subject and object."""
    predicates = graph.graph.get("mapping_predicates", {})
    rows = []
    for entity, records in graph.graph.get("xref_records", {}).items():
        subject = mrkg_curie(entity)
        for curie, named_graph, detail in records:
            source = named_graph.removeprefix(GRAPH_BASE)
            comment = f"source {source}: {detail}" if detail else f"source {source}: {IMPORTER_RULE}"
            rows.append([subject, graph.nodes[entity]["label"], predicates.get(curie.split(":", 1)[0], "skos:exactMatch"),
                         curie, MANUAL if detail else LEXICAL, comment])
    return sorted(rows)


def _metadata(rows: list[list[str]]) -> str:
    """The YAML metadata block: the mapping set's id, licence pointer and the curie_map of every prefix the rows use."""
    curie_map = {**mrkg_prefixes([r[0] for r in rows]),
                 **{p: f"{BIOREGISTRY}{p}:" for p in sorted({r[3].split(":", 1)[0] for r in rows})},
                 "skos": PREFIXES["skos"], "semapv": "https://w3id.org/semapv/vocab/"}
    metadata = {"mapping_set_id": "https://w3id.org/mrkg/mappings/cross-references.sssom.tsv",
                "mapping_set_title": "MRKG cross-references (entities to their identifiers in other schemes)",
                # the rows come from many sources with licences of their own, which the graph's sources graph records
                "license": SOURCES_GRAPH, "subject_source": BASE, "mapping_provider": BASE}
    # values as JSON strings, which YAML reads as they are (a Bioregistry IRI ends in ':')
    lines = ["curie_map:", *(f"  {prefix}: {json.dumps(iri)}" for prefix, iri in curie_map.items()),
             *(f"{key}: {json.dumps(value)}" for key, value in metadata.items())]
    return "".join(f"#{line}\n" for line in lines)


def write_sssom(graph: nx.MultiDiGraph, path: Path) -> None:
    """SSSOM TSV: the YAML metadata block, then the mapping table."""
    rows = sssom_rows(graph)
    out = io.StringIO()
    out.write(_metadata(rows))
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(SSSOM_COLUMNS)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
