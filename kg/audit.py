"""Audit: reproducible random samples of statements, to check each against the label or database it cites.

``mrkg sample interactions --n 30 --seed 11`` (or ``indications``: the label statements, ``database-indications``:
the others, ``contraindications``, ``pharmacokinetics``, ``summaries``; ``drug-summaries``: the pairs of two drugs in
scope, interaction partners aside) draws the same 30 statements every time for
the same graph: the statements are sorted by IRI before a ``random.Random(seed)`` draws from them.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .store import Result, Term

if TYPE_CHECKING:
    from .api import KnowledgeGraph

__all__ = ["SAMPLE_QUERIES", "sample"]

def label_fact_query(columns: str, pattern: str) -> str:
    """A sample query for one kind of label fact: ``pattern`` (ending in the statement's predicate list) gives
    ``columns``; every kind adds its route, population, source and address, the section and the label's sentence."""
    return f"""
SELECT ?statement {columns} ?route ?population ?source ?url ?detail ?text WHERE {{{pattern}
             dcterms:source ?s . ?s dcterms:identifier ?source .
  OPTIONAL {{ ?s foaf:page ?url }}
  OPTIONAL {{ ?statement mr:administrationRoute/rdfs:label ?route }}
  OPTIONAL {{ ?statement mr:population ?population }}
  OPTIONAL {{ ?statement mr:sourceDetail ?detail }}
  OPTIONAL {{ ?statement mr:sourceText ?text }}
}}"""


def _summary_query(pairs: str = "") -> str:
    """A sample query for the pair summaries; ``pairs`` (patterns that go on from the summary's last property) keeps
    some of them."""
    return f"""
SELECT ?statement ?participants ?severity ?evidence ?disagreement WHERE {{
  ?statement a mr:InteractionSummary ; rdfs:label ?participants ; mr:severity/rdfs:label ?severity ;
             mr:disagreement ?disagreement{pairs} .
  OPTIONAL {{ ?statement mr:evidenceLevel/rdfs:label ?evidence }}
}}"""


#: What can be sampled → the query that lists one row per statement, with what a checker needs to see.
SAMPLE_QUERIES = {
    "interactions": """
SELECT ?statement ?participants ?stated ?severity ?source ?detail ?text WHERE {
  { SELECT ?statement (GROUP_CONCAT(DISTINCT ?name; separator=" + ") AS ?participants)
    WHERE { ?statement a mr:DrugInteraction ; mr:participant/rdfs:label ?name } GROUP BY ?statement }
  ?statement mr:severityAsStated ?stated ; mr:severity/rdfs:label ?severity ; dcterms:source/dcterms:identifier ?source .
  OPTIONAL { ?statement mr:sourceDetail ?detail }
  OPTIONAL { ?statement mr:sourceText ?text }
}""",
    "indications": label_fact_query("?drug ?condition ?status", """
  ?statement a mr:Indication ; mr:evidenceLevel mr:evidence-regulatory-label ; mr:drug/rdfs:label ?drug ;
             mr:condition/rdfs:label ?condition ; mr:approvalStatus/rdfs:label ?status ;"""),
    # the indications that rest on no label: a database's or curator's, whose status a label may contradict
    "database-indications": label_fact_query("?drug ?condition ?status ?evidence", """
  ?statement a mr:Indication ; mr:evidenceLevel ?level ; mr:drug/rdfs:label ?drug ;
             mr:condition/rdfs:label ?condition ; mr:approvalStatus/rdfs:label ?status .
  FILTER(?level != mr:evidence-regulatory-label)
  ?level rdfs:label ?evidence .
  ?statement"""),
    "contraindications": label_fact_query("?drug ?condition ?strength", """
  ?statement a mr:Contraindication ; mr:drug/rdfs:label ?drug ; mr:condition/rdfs:label ?condition ;
             mr:contraindicationStrength/rdfs:label ?strength ;"""),
    "pharmacokinetics": label_fact_query("?drug ?parameter ?value ?valueMax ?unit", """
  ?statement a mr:PharmacokineticValue ; mr:drug/rdfs:label ?drug ; mr:pharmacokineticParameter/rdfs:label ?parameter ;
             mr:quantityValue ?value ; mr:unit/mr:code ?unit ;
  OPTIONAL { ?statement mr:quantityMax ?valueMax }
  ?statement"""),
    "summaries": _summary_query(),
    "drug-summaries": _summary_query(" ; mr:participant ?a , ?b .\n  ?a a mr:Drug . ?b a mr:Drug . FILTER(STR(?a) < STR(?b))"),
}


def sample(graph: KnowledgeGraph, kind: str, n: int, seed: int) -> Result:
    """``n`` statements of ``kind`` (a key of :data:`SAMPLE_QUERIES`) drawn with ``seed``, in draw order."""
    result = graph.query(SAMPLE_QUERIES[kind])
    first: dict[str, tuple[Term | None, ...]] = {}
    for row in sorted(result.rows, key=lambda r: r[0].value if r[0] else ""):
        if row[0] is not None:
            first.setdefault(row[0].value, row)  # one row per statement (a statement with two sources keeps the first)
    drawn = random.Random(seed).sample(sorted(first), min(n, len(first)))
    return Result(result.variables, [first[iri] for iri in drawn])
